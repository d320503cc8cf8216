// wasmscope: the command-line tool. This file only dispatches to the subcommands.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "tools/commands.h"
#include "tools/file_io.h"

namespace wasmscope::internal::tools {
namespace {

constexpr const char* kUsage =
    "usage: wasmscope COMMAND [OPTIONS] ARGS...\n"
    "\n"
    "commands:\n"
    "  validate FILE...       decode and validate modules (.wasm, or .wat/.wast text)\n"
    "  dump FILE              print a module's sections, types, imports, exports, functions...\n"
    "  spectest PATH...       run spec-suite .wast scripts (files or directories)\n"
    "  run FILE [ARGS...]     run a WASI program, or call an export (--invoke NAME VALUES...)\n"
    "  compile FILE -o OUT    compile a module ahead of time to native code (a .cwasm file)\n"
    "  coredump FILE          print a WebAssembly coredump (run --coredump-on-trap writes them)\n"
    "  stack PID              print a thread dump of a running 'wasmscope run' process\n"
    "  profile -o OUT FILE    run a program under the sampling profiler (or attach: PID)\n"
    "\n"
    "Run 'wasmscope COMMAND --help' for a command's options.\n";

struct Command {
  const char* name;
  int (*run)(const Args&);
};

constexpr Command kCommands[] = {
    {"validate", cmd_validate},
    {"dump", cmd_dump},
    {"spectest", cmd_spectest},
    {"run", cmd_run},
    {"compile", cmd_compile},
    {"coredump", cmd_coredump},
    {"stack", cmd_stack},
    {"profile", cmd_profile},
};

int dispatch(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    if (name == "help" && argc > 2) {
      for (const Command& command : kCommands) {
        if (std::strcmp(argv[2], command.name) == 0) return command.run(Args{"--help"});
      }
    }
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (name == "--version") {
    std::puts("wasmscope 0.1.0");
    return 0;
  }
  for (const Command& command : kCommands) {
    if (name == command.name) return command.run(Args(argv + 2, argv + argc));
  }
  std::fprintf(stderr, "wasmscope: unknown command '%s'\n\n%s", name.c_str(), kUsage);
  return 2;
}

}  // namespace
}  // namespace wasmscope::internal::tools

int main(int argc, char** argv) {
  using namespace wasmscope::internal::tools;
  try {
    return dispatch(argc, argv);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "wasmscope: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wasmscope: error: %s\n", e.what());
    return 1;
  }
}
