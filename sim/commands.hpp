// The `reluid` program's subcommands. Each registers itself on the CLI11 app; its callback
// validates input, calls the library and writes output. Errors are thrown, and main prints them.
#pragma once

#include <CLI/CLI.hpp>

namespace reluid::sim {

void register_generate(CLI::App& app);   // sim/cmd_generate.cpp
void register_distance(CLI::App& app);   // sim/cmd_distance.cpp
void register_trial(CLI::App& app);      // sim/cmd_trial.cpp
void register_sweep(CLI::App& app);      // sim/cmd_sweep.cpp (also `merge`, sim/cmd_merge.cpp)
void register_analyze(CLI::App& app);    // sim/cmd_analyze.cpp (also `plot`, sim/cmd_plot.cpp)
void register_risk(CLI::App& app);       // sim/cmd_risk.cpp
void register_fit(CLI::App& app);        // sim/cmd_fit.cpp
void register_theory(CLI::App& app);     // sim/cmd_theory.cpp
void register_reproduce(CLI::App& app);  // sim/cmd_reproduce.cpp
void register_select(CLI::App& app);     // sim/cmd_select.cpp

}  // namespace reluid::sim
