#include "engine/context.h"

namespace wasmscope::internal {

ExecContext::ExecContext(ContextLimits limits)
    : limits_(limits),
      stack_(new uint64_t[limits.value_stack_slots]),
      frames_(new FrameRecord[limits.max_frames]) {}

}  // namespace wasmscope::internal
