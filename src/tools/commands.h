// The CLI's subcommands. Each takes the arguments after its name and returns the exit status:
// 0 success, 1 the input failed (invalid module, failing spec tests, unreadable file), 2 a usage
// error (reported by throwing {UsageError}).
#pragma once

#include <string>
#include <vector>

#include "runtime/store.h"
#include "wasmscope/features.h"

namespace wasmscope::internal::tools {

using Args = std::vector<std::string>;

int cmd_validate(const Args& args);
int cmd_dump(const Args& args);
int cmd_spectest(const Args& args);
int cmd_run(const Args& args);
int cmd_compile(const Args& args);
int cmd_coredump(const Args& args);
int cmd_stack(const Args& args);
int cmd_profile(const Args& args);

struct ProfileRequest;
/// `wasmscope run ARGS`, with the profiler of {profile} (may be null) around the program.
int run_program(const Args& args, const ProfileRequest* profile);
/// `wasmscope profile PID`: asks the running `wasmscope run` process {pid} to profile itself
/// for {request}'s duration and writes what it sends to {request.path}.
int profile_attached(long pid, const ProfileRequest& request);

/// True when {args} asks for help ({--help} or {-h}).
bool wants_help(const Args& args);

/// Handles {--disable FEATURE}: turns the named feature off in {features}; throws {UsageError}
/// for an unknown name.
void disable_feature(const std::string& name, Features* features);

/// Handles {--tier interp|compiled} and {--opt-level 0..3} for {config}; throws {UsageError}
/// for other values, and for {compiled} in a build without the compiled tier.
void choose_tier(const std::string& name, StoreConfig* config);
void choose_opt_level(const std::string& level, StoreConfig* config);

}  // namespace wasmscope::internal::tools
