// reluid: Monte Carlo checks of LASSO identifiability of two-layer ReLU networks.
// A thin driver: parse, dispatch to a subcommand, print any error as one line.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "sim/blas.hpp"
#include "sim/commands.hpp"

int main(int argc, char** argv) {
  reluid::sim::set_blas_threads(1);
  CLI::App app{"reluid: does the LASSO identify sparse two-layer ReLU networks? (Li, Wang & Ding)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", RELUID_VERSION_STRING);
  reluid::sim::register_generate(app);
  reluid::sim::register_distance(app);
  reluid::sim::register_trial(app);
  reluid::sim::register_sweep(app);
  reluid::sim::register_analyze(app);
  reluid::sim::register_risk(app);
  reluid::sim::register_fit(app);
  reluid::sim::register_theory(app);
  reluid::sim::register_reproduce(app);
  reluid::sim::register_select(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "reluid: error: " << e.what() << "\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "reluid: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "reluid: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
