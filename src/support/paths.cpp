#include "support/paths.h"

#include <cstdlib>
#include <system_error>

namespace aie4ml {

namespace {
bool has_data(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::is_directory(p / "devices", ec);
}
}  // namespace

std::filesystem::path data_root() {
  if (const char* home = std::getenv("AIE4ML_HOME"); home && has_data(home)) return home;
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto installed = exe.parent_path().parent_path() / "share" / "aie4ml";
    if (has_data(installed)) return installed;
  }
  return AIE4ML_SOURCE_ROOT;
}

}  // namespace aie4ml
