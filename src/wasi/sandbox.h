// Placeholder: the sandboxed path resolver goes here.
#pragma once
