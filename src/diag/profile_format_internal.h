// What the profile writers (profile_format.cc, profile_pprof.cc, profile_svg.cc) share: how a
// thread and a frame index are named, so that every format shows the same names.
#pragma once

#include <cstdint>
#include <string>

#include "base/utf8.h"
#include "diag/profile.h"

namespace wasmscope::internal::diag {

/// The name of the node every format puts a thread's lost samples under.
inline constexpr const char* kLostSamplesName = "[lost samples]";
/// The root that lost samples no thread can be blamed for hang from (folded, SVG).
inline constexpr const char* kNoThreadName = "[no thread]";
/// What a stack shows for a frame index outside {Profile::frames}.
inline constexpr const char* kUnknownFrameName = "[unknown frame]";

/// {thread}'s name as every format shows it: its {name} ("thread N" when empty), with
/// " #ID" appended when another thread of {profile} has the same name, so threads stay apart.
std::string thread_label(const Profile& profile, const ProfileThread& thread);

/// The display name of {profile.frames[index]}, or {kUnknownFrameName} when out of range.
std::string frame_label(const Profile& profile, uint32_t index);

/// {samples} converted to nanoseconds of the sampling clock at {hz} (exact, no overflow for
/// any sample count a profile can hold); 0 when {hz} is 0.
uint64_t samples_to_ns(uint64_t samples, uint32_t hz);

}  // namespace wasmscope::internal::diag
