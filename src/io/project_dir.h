// Writing a project directory atomically: everything goes into a fresh temporary directory beside the
// target (same parent, so the final rename cannot cross file systems), which replaces the target only
// once it is complete. An existing target is replaced only when `force` is set; otherwise InputError
// (CLI exit 2) before anything is written. On any failure the temporary directory is removed and the
// target is left as it was.
#pragma once
#include <filesystem>
#include <functional>

namespace aie4ml {

void write_directory_atomically(const std::filesystem::path& dir, bool force,
                                const std::function<void(const std::filesystem::path& tmp)>& fill);

// Throws InputError when `dir` exists and `force` is not set (lets a command fail before its work).
void check_output_directory(const std::filesystem::path& dir, bool force);

}  // namespace aie4ml
