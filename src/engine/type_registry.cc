#include <map>
#include <mutex>

#include "binary/type_canon.h"
#include "engine/instance_data.h"

namespace wasmscope::internal {

uint32_t intern_func_type(const FuncType& type, uint32_t self, const std::vector<uint32_t>* ids) {
  // Ids are handed out at instantiation only, never on the hot path, so a lock is fine.
  static std::mutex mutex;
  static std::map<TypeKey, uint32_t> registry;
  TypeKey key = type_key(type, self, ids);
  std::lock_guard<std::mutex> lock(mutex);
  auto [it, inserted] =
      registry.try_emplace(std::move(key), static_cast<uint32_t>(registry.size()));
  return it->second;
}

std::vector<uint32_t> intern_module_types(const std::vector<FuncType>& types) {
  std::vector<uint32_t> ids;
  ids.reserve(types.size());
  for (uint32_t i = 0; i < types.size(); ++i) ids.push_back(intern_func_type(types[i], i, &ids));
  return ids;
}

}  // namespace wasmscope::internal
