#include "wasi/sandbox.h"
