// aie4ml command-line entry point: builds the subcommand tree and maps errors onto exit codes
// (0 success, 1 a requested check failed, 2 bad input or usage).
#include <cstdio>
#include <exception>

#include <fmt/format.h>

#include "cli/commands.h"
#include "support/error.h"

int main(int argc, char** argv) {
  CLI::App app{"aie4ml: compile trained neural networks (ONNX) into AMD Versal AIE-ML firmware projects,\n"
               "and prove and time them on the host without AMD's tools.",
               "aie4ml"};
  app.set_version_flag("--version", "aie4ml 0.1.0");
  app.require_subcommand(1);
  app.fallthrough(false);
  aie4ml::cli::add_inspect_command(app);
  aie4ml::cli::add_devices_command(app);
  aie4ml::cli::add_compile_command(app);
  aie4ml::cli::add_predict_command(app);
  aie4ml::cli::add_verify_command(app);
  aie4ml::cli::add_report_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  } catch (const aie4ml::CheckFailure& e) {
    fmt::print(stderr, "aie4ml: check failed: {}\n", e.what());
    return 1;
  } catch (const aie4ml::InputError& e) {
    fmt::print(stderr, "aie4ml: error: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "aie4ml: internal error: {}\n", e.what());
    return 2;
  }
  return 0;
}
