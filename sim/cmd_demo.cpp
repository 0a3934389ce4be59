// `reluid demo`: placeholder until generators land (replaced below in this session).
#include "sim/commands.hpp"
namespace reluid::sim {
void register_demo(CLI::App& app) { app.add_subcommand("demo", "Run the default job"); }
}  // namespace reluid::sim
