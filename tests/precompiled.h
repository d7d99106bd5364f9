// Precompiled header for the GoogleTest binaries (CMake option AIE4ML_PCH): the libraries' one plus
// GoogleTest and the standard headers the tests use most.
#pragma once
#include "support/precompiled.h"

#include <random>

#include <gtest/gtest.h>
