// Device catalog loading and lookup (see catalog.h).
#include "device/catalog.h"

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "support/error.h"
#include "support/paths.h"

namespace aie4ml {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::vector<std::filesystem::path> json_files(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw InputError(fmt::format("device catalog: {} is not a directory", dir.string()));
  std::vector<std::filesystem::path> files;
  for (auto& e : std::filesystem::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

DeviceCatalog DeviceCatalog::load(const std::filesystem::path& devices_dir) {
  DeviceCatalog cat;
  std::map<std::string, std::filesystem::path> claimed;  // lower-cased name/alias -> file
  for (auto& file : json_files(devices_dir)) {
    Device d = Device::load(file);
    std::vector<std::string> keys{d.name};
    keys.insert(keys.end(), d.aliases.begin(), d.aliases.end());
    for (auto& k : keys) {
      auto [it, fresh] = claimed.emplace(lower(k), file);
      if (!fresh && it->second != file)
        throw InputError(fmt::format("device file {}: name or alias '{}' is already used by {}", file.string(), k,
                                     it->second.string()));
    }
    cat.devices_.push_back(std::move(d));
  }
  if (cat.devices_.empty()) throw InputError(fmt::format("device catalog: no *.json files in {}", devices_dir.string()));
  return cat;
}

const DeviceCatalog& DeviceCatalog::builtin() {
  static const DeviceCatalog cat = load(data_root() / "devices");
  return cat;
}

const Device* DeviceCatalog::find(const std::string& name_or_alias) const {
  const auto key = lower(name_or_alias);
  for (auto& d : devices_) {
    if (lower(d.name) == key) return &d;
    for (auto& a : d.aliases)
      if (lower(a) == key) return &d;
  }
  return nullptr;
}

const Device& DeviceCatalog::get(const std::string& name_or_alias) const {
  if (auto* d = find(name_or_alias)) return *d;
  std::vector<std::string> names;
  for (auto& d : devices_) names.push_back(d.name);
  throw InputError(fmt::format("unknown device '{}' (known: {}; see `aie4ml devices`)", name_or_alias,
                               fmt::join(names, ", ")));
}

}  // namespace aie4ml
