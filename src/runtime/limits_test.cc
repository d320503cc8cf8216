// Store limits (StoreLimits: max_memory_bytes, max_table_elements, max_instances) through the public
// C++ API, on each tier this build has: a declared minimum past a limit fails instantiation
// with a message naming it, growth past one gives -1 to the guest, and nothing else changes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wasmscope/wasmscope.hh"

namespace {

using namespace wasmscope;

std::vector<Tier> tiers() {
  std::vector<Tier> out{Tier::kInterpreter};
  Config probe;
  probe.tier = Tier::kCompiled;
  if (Module::compile_text("(module)", probe).ok()) out.push_back(Tier::kCompiled);
  return out;
}

class Limits : public testing::TestWithParam<Tier> {
 protected:
  Config config() const {
    Config c;
    c.tier = GetParam();
    return c;
  }
  Module compile(const char* wat, const Config& c) {
    auto m = Module::compile_text(wat, c);
    EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().to_string());
    return m.ok() ? *m : Module();
  }
  static int32_t call_i32(Instance& instance, const char* name, std::vector<Value> args = {}) {
    CallResult r = instance.func(name).call(std::span<const Value>(args.data(), args.size()));
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.trap().to_string());
    return r.ok() && !r.values().empty() ? r.values()[0].i32() : -999;
  }
};

// Memory 0 starts at {min} pages; "grow" grows it by its argument, "size" reports pages.
std::string memory_module(int min) {
  return "(module (memory " + std::to_string(min) + ")"
         "(func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0)))"
         "(func (export \"size\") (result i32) (memory.size)))";
}

TEST_P(Limits, AMemoryMinimumPastTheLimitFailsToInstantiateWithTheLimitNamed) {
  Config c = config();
  StoreLimits limits;
  limits.max_memory_bytes = 1 << 20;  // 16 pages
  Store store(c, limits);
  Module over = compile(memory_module(17).c_str(), c);
  auto failed = store.instantiate(over);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::kUnlinkable);
  EXPECT_NE(failed.error().message.find("memory of 17 pages"), std::string::npos)
      << failed.error().message;
  EXPECT_NE(failed.error().message.find("limit of 1 MiB per memory"), std::string::npos)
      << failed.error().message;
  // At the limit exactly it instantiates.
  Module at = compile(memory_module(16).c_str(), c);
  auto ok = store.instantiate(at);
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_EQ(call_i32(*ok, "size"), 16);
}

TEST_P(Limits, MemoryGrowPastTheLimitReturnsMinusOneAndChangesNothing) {
  Config c = config();
  StoreLimits limits;
  limits.max_memory_bytes = (1 << 20) + 100;  // rounded down: 16 pages
  Store store(c, limits);
  Module m = compile(memory_module(2).c_str(), c);
  auto instance = store.instantiate(m);
  ASSERT_TRUE(instance.ok()) << instance.error().to_string();
  EXPECT_EQ(call_i32(*instance, "grow", {Value::i32(15)}), -1);  // to 17 pages
  EXPECT_EQ(call_i32(*instance, "size"), 2);
  EXPECT_EQ(call_i32(*instance, "grow", {Value::i32(14)}), 2);  // to 16: allowed
  EXPECT_EQ(call_i32(*instance, "size"), 16);
  EXPECT_EQ(call_i32(*instance, "grow", {Value::i32(1)}), -1);
  // The embedder's grow obeys the same limit.
  Memory memory = store.instantiate(compile(R"((module (memory (export "m") 1)))", c))
                      ->memory("m");
  EXPECT_FALSE(memory.grow(16).ok());
  EXPECT_EQ(memory.size_pages(), 1u);
  EXPECT_TRUE(memory.grow(15).ok());
}

TEST_P(Limits, WithoutALimitTheSameModulesRunAsBefore) {
  Config c = config();
  Store store(c);
  auto instance = store.instantiate(compile(memory_module(17).c_str(), c));
  ASSERT_TRUE(instance.ok()) << instance.error().to_string();
  EXPECT_EQ(call_i32(*instance, "grow", {Value::i32(100)}), 17);
  EXPECT_EQ(call_i32(*instance, "size"), 117);
}

TEST_P(Limits, TablesObeyTheElementLimit) {
  Config c = config();
  StoreLimits limits;
  limits.max_table_elements = 10;
  Store store(c, limits);
  auto over = store.instantiate(compile("(module (table 11 funcref))", c));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().kind, ErrorKind::kUnlinkable);
  EXPECT_NE(over.error().message.find("table of 11 elements exceeds the store's limit of 10"),
            std::string::npos)
      << over.error().message;
  auto instance = store.instantiate(compile(R"((module (table $t 4 funcref)
    (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
    (func (export "size") (result i32) (table.size $t))))",
                                            c));
  ASSERT_TRUE(instance.ok()) << instance.error().to_string();
  EXPECT_EQ(call_i32(*instance, "grow", {Value::i32(7)}), -1);  // to 11
  EXPECT_EQ(call_i32(*instance, "size"), 4);
  EXPECT_EQ(call_i32(*instance, "grow", {Value::i32(6)}), 4);  // to 10
  EXPECT_EQ(call_i32(*instance, "size"), 10);
}

TEST_P(Limits, InstancesPastTheLimitFailAndTheStoreStaysUsable) {
  Config c = config();
  StoreLimits limits;
  limits.max_instances = 2;
  Store store(c, limits);
  Module m = compile(R"((module (func (export "f") (result i32) (i32.const 7))))", c);
  auto first = store.instantiate(m);
  auto second = store.instantiate(m);
  ASSERT_TRUE(first.ok() && second.ok());
  auto third = store.instantiate(m);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().kind, ErrorKind::kUnlinkable);
  EXPECT_NE(third.error().message.find("limit of 2 instances"), std::string::npos)
      << third.error().message;
  EXPECT_EQ(call_i32(*first, "f"), 7);
  EXPECT_EQ(call_i32(*second, "f"), 7);
}

INSTANTIATE_TEST_SUITE_P(Tiers, Limits, testing::ValuesIn(tiers()),
                         [](const testing::TestParamInfo<Tier>& param) {
                           return param.param == Tier::kCompiled ? "Compiled" : "Interp";
                         });

}  // namespace
