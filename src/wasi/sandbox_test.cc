#include <gtest/gtest.h>

#include "wasi/sandbox.h"
