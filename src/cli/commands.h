// Each `aie4ml` subcommand lives in its own cmd_<name>.cpp and registers itself on the top-level app
// here. Commands report failure by throwing: InputError (exit 2) or CheckFailure (exit 1).
#pragma once
#include <CLI/CLI.hpp>

namespace aie4ml::cli {

void add_inspect_command(CLI::App& app);
void add_devices_command(CLI::App& app);
void add_compile_command(CLI::App& app);
void add_predict_command(CLI::App& app);
void add_verify_command(CLI::App& app);
void add_report_command(CLI::App& app);

}  // namespace aie4ml::cli
