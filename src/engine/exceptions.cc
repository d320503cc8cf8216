// Exception objects (exception handling): created by throw, freed by a catch that exposes no
// reference to them, kept for the process's life once an exnref to one may exist.
//
// Why kept rather than counted: an exnref is a plain slot value that guest code copies
// freely (locals, globals, tables, other threads' memory of it through tables), so nothing
// knows when the last copy dies without a collector. Catches that take no reference (the
// common C++ and setjmp/longjmp paths in try_table form) free the object at once; the rest
// stay until exit (docs/architecture.md, "Exception handling").
#include <memory>
#include <mutex>
#include <vector>

#include "engine/instance_data.h"

namespace wasmscope::internal {
namespace {

struct KeptExceptions {
  std::mutex mutex;
  std::vector<std::unique_ptr<ExceptionObject>> objects;
};

KeptExceptions& kept_exceptions() {
  static KeptExceptions* kept = new KeptExceptions();  // lives until exit, like its objects
  return *kept;
}

}  // namespace

ExceptionObject* new_exception(const TagData* tag, const Slot* payload) {
  auto* e = new ExceptionObject();
  e->tag = tag;
  e->payload.assign(payload, payload + tag->payload_slots);
  return e;
}

void keep_exception(ExceptionObject* e) {
  if (e == nullptr || e->kept) return;
  e->kept = true;
  KeptExceptions& kept = kept_exceptions();
  std::lock_guard<std::mutex> lock(kept.mutex);
  kept.objects.emplace_back(e);
}

void release_exception(ExceptionObject* e) {
  if (e != nullptr && !e->kept) delete e;
}

}  // namespace wasmscope::internal
