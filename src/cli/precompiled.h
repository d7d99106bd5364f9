// Precompiled header of the CLI (CMake option AIE4ML_PCH): the libraries' one plus CLI11, which every
// command includes through commands.h.
#pragma once
#include "support/precompiled.h"

#include <CLI/CLI.hpp>
