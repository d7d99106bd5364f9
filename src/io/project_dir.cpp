// Atomic project directories (see project_dir.h).
#include "io/project_dir.h"

#include <unistd.h>

#include <fmt/format.h>

#include "support/error.h"

namespace aie4ml {

namespace fs = std::filesystem;

namespace {

// A name beside `dir` that does not exist yet (pid + counter: unique among concurrent writers).
fs::path sibling(const fs::path& dir, const char* tag) {
  const fs::path parent = dir.parent_path().empty() ? fs::path(".") : dir.parent_path();
  for (int i = 0;; ++i) {
    fs::path p = parent / fmt::format(".{}.{}-{}-{}", dir.filename().string(), tag, ::getpid(), i);
    std::error_code ec;
    if (!fs::exists(p, ec)) return p;
  }
}

}  // namespace

void check_output_directory(const fs::path& dir, bool force) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !force)
    throw InputError(fmt::format("output directory '{}' already exists (use --force to replace it)", dir.string()));
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw InputError(fmt::format("output path '{}' exists and is not a directory", dir.string()));
}

void write_directory_atomically(const fs::path& target, bool force, const std::function<void(const fs::path&)>& fill) {
  if (target.empty()) throw InputError("empty output directory name");
  const fs::path dir = target.filename().empty() ? target.parent_path() : target;  // "out/" -> "out"
  check_output_directory(dir, force);
  std::error_code ec;
  if (!dir.parent_path().empty()) fs::create_directories(dir.parent_path(), ec);
  const fs::path tmp = sibling(dir, "tmp");
  if (!fs::create_directory(tmp, ec))
    throw InputError(fmt::format("cannot write output directory '{}': creating '{}' failed: {}", dir.string(),
                                 tmp.string(), ec.message()));
  try {
    fill(tmp);
    if (fs::exists(dir)) {
      const fs::path old = sibling(dir, "old");
      fs::rename(dir, old);
      fs::rename(tmp, dir);
      fs::remove_all(old, ec);
    } else {
      fs::rename(tmp, dir);
    }
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

}  // namespace aie4ml
