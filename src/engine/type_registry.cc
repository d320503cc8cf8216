#include <map>
#include <mutex>

#include "engine/instance_data.h"

namespace wasmscope::internal {

uint32_t intern_func_type(const FuncType& type) {
  // Ids are handed out at instantiation only, never on the hot path, so a lock is fine.
  static std::mutex mutex;
  static std::map<std::pair<std::vector<ValType>, std::vector<ValType>>, uint32_t> ids;
  std::lock_guard<std::mutex> lock(mutex);
  auto [it, inserted] = ids.try_emplace({type.params, type.results},
                                        static_cast<uint32_t>(ids.size()));
  return it->second;
}

}  // namespace wasmscope::internal
