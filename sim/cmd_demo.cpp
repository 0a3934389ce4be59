// `reluid demo`: placeholder until generators land (replaced below in this session).
#include "sim/commands.hpp"
namespace reluid::sim {
void register_demo(CLI::App& app) { app.add_subcommand("demo", "Run the default job"); }
void register_generate(CLI::App& app) { app.add_subcommand("generate", "x"); }
void register_distance(CLI::App& app) { app.add_subcommand("distance", "x"); }
}  // namespace reluid::sim
