// wasmscope coredump FILE: reads a WebAssembly coredump (tool-conventions format) and prints
// its process, modules, instances, each thread's frames with their locals, memories and
// globals. It is also how the tests check that dumps written by --coredump-on-trap parse back.
#include <cinttypes>
#include <cstdio>
#include <string>

#include "diag/coredump_reader.h"
#include "tools/commands.h"
#include "tools/file_io.h"

namespace wasmscope::internal::tools {
namespace {

constexpr const char* kCoredumpUsage =
    "usage: wasmscope coredump FILE\n"
    "\n"
    "Prints the WebAssembly coredump FILE (as written by 'wasmscope run --coredump-on-trap'):\n"
    "the process, modules and instances, every thread's frames youngest first as\n"
    "'#N instance I func F +0xOFFSET' with their locals, then memories and globals.\n"
    "exit status: 0, or 1 if FILE cannot be read or is not a valid coredump.\n";

std::string value_text(const CoredumpValue& v) {
  if (v.missing) return "?";
  char buf[48];
  switch (v.type) {
    case ValType::kI32:
      std::snprintf(buf, sizeof buf, "i32:%" PRId32, static_cast<int32_t>(v.bits));
      break;
    case ValType::kI64:
      std::snprintf(buf, sizeof buf, "i64:%" PRId64, static_cast<int64_t>(v.bits));
      break;
    case ValType::kF32:
      std::snprintf(buf, sizeof buf, "f32:0x%08" PRIx32, static_cast<uint32_t>(v.bits));
      break;
    default:
      std::snprintf(buf, sizeof buf, "f64:0x%016" PRIx64, v.bits);
      break;
  }
  return buf;
}

}  // namespace

int cmd_coredump(const Args& args) {
  if (wants_help(args) || args.size() != 1) {
    std::fputs(kCoredumpUsage, args.size() == 1 ? stdout : stderr);
    return args.size() == 1 ? 0 : 2;
  }
  const std::string& path = args[0];
  auto bytes = read_file(path);
  if (!bytes.ok()) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), bytes.error().to_string().c_str());
    return 1;
  }
  auto dump = read_coredump(*bytes);
  if (!dump.ok()) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), dump.error().to_string().c_str());
    return 1;
  }
  std::printf("process: %s\n", dump->executable.c_str());
  for (size_t i = 0; i < dump->modules.size(); ++i) {
    std::printf("module %zu: %s\n", i, dump->modules[i].c_str());
  }
  for (size_t i = 0; i < dump->instances.size(); ++i) {
    std::printf("instance %zu: module %u, %zu memories, %zu globals\n", i,
                dump->instances[i].module, dump->instances[i].memories.size(),
                dump->instances[i].globals.size());
  }
  for (const CoredumpThread& thread : dump->threads) {
    std::printf("thread \"%s\":\n", thread.name.c_str());
    for (size_t i = 0; i < thread.frames.size(); ++i) {
      const CoredumpFrame& f = thread.frames[i];
      std::printf("  #%zu instance %u func %u +0x%x", i, f.instance, f.func_index,
                  f.code_offset);
      if (!f.locals.empty()) {
        std::printf(" locals:");
        for (const CoredumpValue& v : f.locals) std::printf(" %s", value_text(v).c_str());
      }
      std::printf("\n");
    }
  }
  for (size_t i = 0; i < dump->memories.size(); ++i) {
    std::printf("memory %zu: %" PRIu64 " bytes, %u data segments\n", i, dump->memories[i].size,
                dump->memories[i].segments);
  }
  for (size_t i = 0; i < dump->globals.size(); ++i) {
    CoredumpValue v;
    v.missing = false;
    v.type = dump->globals[i].type;
    v.bits = dump->globals[i].value[0];
    std::printf("global %zu: %s\n", i,
                v.type == ValType::kV128 || v.type == ValType::kFuncRef ||
                        v.type == ValType::kExternRef
                    ? "(not shown)"
                    : value_text(v).c_str());
  }
  return 0;
}

}  // namespace wasmscope::internal::tools
