#include <gtest/gtest.h>

#include "wasi/wasi.h"
