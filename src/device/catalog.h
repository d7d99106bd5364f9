// The device catalog: every devices/*.json under a data folder, looked up by name or alias.
// Reads: <root>/devices/*.json (sorted by file name). Writes: nothing. Checks: each file is valid
// (Device::from_json) and no name or alias is claimed by two files (the error names both).
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "device/device.h"

namespace aie4ml {

class DeviceCatalog {
 public:
  // Load every *.json in `devices_dir`. Throws InputError on the first bad file.
  static DeviceCatalog load(const std::filesystem::path& devices_dir);
  // The shipped catalog: data_root() / "devices".
  static const DeviceCatalog& builtin();

  const std::vector<Device>& devices() const { return devices_; }
  // Case-insensitive lookup by name or alias; nullptr when unknown.
  const Device* find(const std::string& name_or_alias) const;
  // As find(), but throws InputError listing the known names.
  const Device& get(const std::string& name_or_alias) const;

 private:
  std::vector<Device> devices_;
};

}  // namespace aie4ml
