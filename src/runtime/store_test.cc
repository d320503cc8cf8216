#include "runtime/store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "binary/decoder.h"
#include "stack/symbolizer.h"
#include "validate/validator.h"
#include "text/wat.h"

namespace wasmscope::internal {
namespace {

/// Compiles {wat} and instantiates it with {imports} in {store}; fails the test on error.
Instance* load(Store& store, const std::string& wat, const std::vector<Extern>& imports = {}) {
  auto bytes = wat_to_binary(wat);
  EXPECT_TRUE(bytes.ok()) << (bytes.ok() ? "" : bytes.error().to_string());
  if (!bytes.ok()) return nullptr;
  auto compiled = compile_module(std::move(*bytes), store.config());
  EXPECT_TRUE(compiled.ok()) << (compiled.ok() ? "" : compiled.error().to_string());
  if (!compiled.ok()) return nullptr;
  auto instance = store.instantiate(*compiled, imports);
  EXPECT_TRUE(instance.ok()) << (instance.ok() ? "" : instance.error().to_string());
  return instance.ok() ? *instance : nullptr;
}

/// Calls export {name} with i64-sized argument slots; returns the slots after the call.
InvokeOutcome call(Store& store, Instance* instance, const std::string& name,
                   std::vector<Slot>* slots) {
  const Func* f = instance->find_export(name).as_func();
  EXPECT_NE(f, nullptr) << name;
  slots->resize(std::max<size_t>(slots->size(), f->arg_slots) + 1);
  return store.call(f, slots->data());
}

uint32_t call_i32(Store& store, Instance* instance, const std::string& name,
                  std::vector<Slot> args = {}) {
  InvokeOutcome outcome = call(store, instance, name, &args);
  EXPECT_EQ(outcome.trap, Trap::kNone) << outcome.message;
  return static_cast<uint32_t>(args[0]);
}

class RuntimeTest : public ::testing::TestWithParam<BoundsChecks> {
 protected:
  StoreConfig config() const {
    StoreConfig c;
    c.bounds = GetParam();
    return c;
  }
};

TEST_P(RuntimeTest, ArithmeticLocalsAndBlocks) {
  Store store(config());
  Instance* inst = load(store, R"((module
    (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
    (func (export "fac") (param i64) (result i64)
      (local i64) (local.set 1 (i64.const 1))
      (block (loop
        (br_if 1 (i64.eqz (local.get 0)))
        (local.set 1 (i64.mul (local.get 1) (local.get 0)))
        (local.set 0 (i64.sub (local.get 0) (i64.const 1)))
        (br 0)))
      local.get 1)
    (func (export "swap") (param i32 i32) (result i32 i32) local.get 1 local.get 0)
    (func (export "alias") (param i32) (result i32)
      ;; local.get pushes an alias; the later set must not change the value already pushed.
      local.get 0 (local.set 0 (i32.const 100)) local.get 0 i32.add)
    (func (export "select") (param i32) (result i32)
      (select (i32.const 10) (i32.const 20) (local.get 0)))
    (func (export "ifelse") (param i32) (result i32)
      (if (result i32) (i32.lt_s (local.get 0) (i32.const 5))
        (then (i32.const 1)) (else (i32.const 2)))))
  )");
  ASSERT_NE(inst, nullptr);
  EXPECT_EQ(call_i32(store, inst, "add", {7, 35}), 42u);
  std::vector<Slot> args = {20};
  ASSERT_EQ(call(store, inst, "fac", &args).trap, Trap::kNone);
  EXPECT_EQ(args[0], 2432902008176640000ull);
  args = {1, 2};
  ASSERT_EQ(call(store, inst, "swap", &args).trap, Trap::kNone);
  EXPECT_EQ(args[0], 2u);
  EXPECT_EQ(args[1], 1u);
  EXPECT_EQ(call_i32(store, inst, "alias", {5}), 105u);
  EXPECT_EQ(call_i32(store, inst, "select", {1}), 10u);
  EXPECT_EQ(call_i32(store, inst, "select", {0}), 20u);
  EXPECT_EQ(call_i32(store, inst, "ifelse", {3}), 1u);
  EXPECT_EQ(call_i32(store, inst, "ifelse", {7}), 2u);
}

TEST_P(RuntimeTest, CallsRecursionAndIndirectCalls) {
  Store store(config());
  Instance* inst = load(store, R"((module
    (type $t (func (param i32) (result i32)))
    (table 2 funcref)
    (elem (i32.const 0) $fib $double)
    (func $fib (export "fib") (type $t)
      (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
        (then (local.get 0))
        (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                       (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
    (func $double (type $t) (i32.mul (local.get 0) (i32.const 2)))
    (func (export "indirect") (param i32 i32) (result i32)
      (call_indirect (type $t) (local.get 1) (local.get 0)))
    (func (export "count") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
        (else (return_call 3 (i32.sub (local.get 0) (i32.const 1)))))))
  )");
  ASSERT_NE(inst, nullptr);
  EXPECT_EQ(call_i32(store, inst, "fib", {20}), 6765u);
  EXPECT_EQ(call_i32(store, inst, "indirect", {0, 10}), 55u);
  EXPECT_EQ(call_i32(store, inst, "indirect", {1, 21}), 42u);
  std::vector<Slot> args = {5, 2};
  InvokeOutcome out = call(store, inst, "indirect", &args);
  EXPECT_EQ(out.trap, Trap::kUndefinedElement);
  // A tail-recursive loop a million deep needs no frames.
  EXPECT_EQ(call_i32(store, inst, "count", {1000000}), 0u);
}

TEST_P(RuntimeTest, UnboundedRecursionTrapsAndTheStoreStaysUsable) {
  Store store(config());
  Instance* inst = load(store, R"((module
    (func $f (export "down") (param i32) (result i32) (call $f (i32.add (local.get 0) (i32.const 1))))
    (func (export "ok") (result i32) (i32.const 7)))
  )");
  ASSERT_NE(inst, nullptr);
  std::vector<Slot> args = {0};
  InvokeOutcome out = call(store, inst, "down", &args);
  EXPECT_EQ(out.trap, Trap::kCallStackExhausted);
  EXPECT_EQ(out.message, "call stack exhausted");
  EXPECT_FALSE(out.frames.empty());
  EXPECT_EQ(store.context().depth.load(), 0u);
  EXPECT_EQ(call_i32(store, inst, "ok"), 7u);
}

TEST_P(RuntimeTest, MemoryAccessesAndOutOfBoundsTraps) {
  Store store(config());
  Instance* inst = load(store, R"((module
    (memory 1 3)
    (data (i32.const 16) "\2a\00\00\00")
    (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
    (func (export "store") (param i32 i32) (i32.store offset=4 (local.get 0) (local.get 1)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "size") (result i32) (memory.size)))
  )");
  ASSERT_NE(inst, nullptr);
  EXPECT_EQ(call_i32(store, inst, "load", {16}), 42u);
  std::vector<Slot> args = {100, 77};
  ASSERT_EQ(call(store, inst, "store", &args).trap, Trap::kNone);
  EXPECT_EQ(call_i32(store, inst, "load", {104}), 77u);
  args = {65533};
  EXPECT_EQ(call(store, inst, "load", &args).trap, Trap::kOutOfBoundsMemory);
  args = {0xfffffff0u};
  EXPECT_EQ(call(store, inst, "load", &args).trap, Trap::kOutOfBoundsMemory);
  EXPECT_EQ(call_i32(store, inst, "grow", {1}), 1u);
  EXPECT_EQ(call_i32(store, inst, "size"), 2u);
  EXPECT_EQ(call_i32(store, inst, "load", {65536 + 100}), 0u);
  EXPECT_EQ(call_i32(store, inst, "grow", {5}), 0xffffffffu);  // past the maximum
  args = {3 * 65536};
  EXPECT_EQ(call(store, inst, "load", &args).trap, Trap::kOutOfBoundsMemory);
}

TEST_P(RuntimeTest, HostFunctionsAndTraps) {
  Store store(config());
  FuncType type{{ValType::kI32}, {ValType::kI32}};
  Func* triple = store.create_host_func(
      type,
      [](HostCall& call) {
        const uint32_t x = static_cast<uint32_t>(call.args[0]);
        if (x == 13) {
          *call.trap_message = "unlucky";
          return Trap::kHostTrap;
        }
        call.results[0] = x * 3;
        return Trap::kNone;
      },
      nullptr, "env.triple");
  Instance* inst = load(store, R"((module
    (import "env" "triple" (func $triple (param i32) (result i32)))
    (func (export "f") (param i32) (result i32) (i32.add (call $triple (local.get 0)) (i32.const 1)))
    (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))
  )", {Extern::func(triple)});
  ASSERT_NE(inst, nullptr);
  EXPECT_EQ(call_i32(store, inst, "f", {5}), 16u);
  std::vector<Slot> args = {13};
  InvokeOutcome out = call(store, inst, "f", &args);
  EXPECT_EQ(out.trap, Trap::kHostTrap);
  EXPECT_EQ(out.message, "unlucky");
  args = {1, 0};
  out = call(store, inst, "div", &args);
  EXPECT_EQ(out.trap, Trap::kIntegerDivideByZero);
  ASSERT_EQ(out.frames.size(), 1u);
  EXPECT_EQ(symbolize(out.frames[0]).function, "div");
}

// Bulk memory operations answer requests between 16 MiB chunks: a terminate that arrives
// during a 64 MiB fill (set here by a host function just before it, so no other safepoint
// intervenes) stops it after the first chunk, at the fill instruction.
TEST_P(RuntimeTest, BulkMemoryOperationsAnswerRequestsBetweenChunks) {
  Store store(config());
  Func* request = store.create_host_func(
      FuncType{{}, {}},
      [](HostCall& call) {
        call.context->requests.fetch_or(kRequestTerminate);
        return Trap::kNone;
      },
      nullptr, "env.request_terminate");
  Instance* inst = load(store, R"((module
    (import "env" "request_terminate" (func $request))
    (memory (export "mem") 1024)
    (func $fill (export "fill")
      (call $request)
      (memory.fill (i32.const 0) (i32.const 0xab) (i32.const 0x4000000)))
    (func (export "fill_source") (memory.fill (i32.const 0) (i32.const 0xcd) (i32.const 0x2000000)))
    (func $copy (export "copy")
      (call $request)
      (memory.copy (i32.const 0x2000000) (i32.const 0) (i32.const 0x2000000)))
    (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0))))
  )", {Extern::func(request)});
  ASSERT_NE(inst, nullptr);
  std::vector<Slot> args;
  InvokeOutcome out = call(store, inst, "fill", &args);
  EXPECT_EQ(out.trap, Trap::kInterrupted);
  ASSERT_EQ(out.frames.size(), 1u);
  EXPECT_EQ(symbolize(out.frames[0]).function, "fill");
  EXPECT_EQ(call_i32(store, inst, "byte", {0}), 0xabu);                  // first chunk done
  EXPECT_EQ(call_i32(store, inst, "byte", {(16u << 20) - 1}), 0xabu);
  EXPECT_EQ(call_i32(store, inst, "byte", {16u << 20}), 0u);             // the rest not
  EXPECT_EQ(call_i32(store, inst, "byte", {(64u << 20) - 1}), 0u);
  // memory.copy likewise: 32 MiB of 0xcd from 0 to 32 MiB stops after the first 16 MiB.
  call_i32(store, inst, "fill_source");
  out = call(store, inst, "copy", &args);
  EXPECT_EQ(out.trap, Trap::kInterrupted);
  EXPECT_EQ(call_i32(store, inst, "byte", {32u << 20}), 0xcdu);
  EXPECT_EQ(call_i32(store, inst, "byte", {(48u << 20) - 1}), 0xcdu);
  EXPECT_EQ(call_i32(store, inst, "byte", {48u << 20}), 0u);
  EXPECT_EQ(store.context().requests.load(), 0u);  // answered, not left pending
}

// Chunked copies keep memmove's semantics when source and destination overlap, in both
// directions, across chunk boundaries (40 MiB: three chunks).
TEST_P(RuntimeTest, ChunkedOverlappingCopiesMatchMemmove) {
  Store store(config());
  Instance* inst = load(store, R"((module
    (memory (export "mem") 1024)
    (func (export "pattern") (local $i i32)
      (loop $l
        (i32.store (local.get $i) (i32.mul (local.get $i) (i32.const 2654435761)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 0x3000000)))))
    (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
    (func (export "word") (param i32) (result i32) (i32.load (local.get 0))))
  )");
  ASSERT_NE(inst, nullptr);
  auto expected_word = [](uint32_t at) {  // the pattern's word at byte {at} (4-aligned)
    return static_cast<uint32_t>(at * 2654435761u);
  };
  const uint32_t n = 40u << 20;
  call_i32(store, inst, "pattern");
  call_i32(store, inst, "copy", {4, 0, n});  // up by 4: must run from the end
  for (uint32_t at : {0u, 16u << 20, (16u << 20) - 4, 32u << 20, n - 4}) {
    EXPECT_EQ(call_i32(store, inst, "word", {at + 4}), expected_word(at)) << at;
  }
  call_i32(store, inst, "pattern");
  call_i32(store, inst, "copy", {0, 4, n});  // down by 4: from the start
  for (uint32_t at : {0u, 16u << 20, (16u << 20) - 4, 32u << 20, n - 4}) {
    EXPECT_EQ(call_i32(store, inst, "word", {at}), expected_word(at + 4)) << at;
  }
}

TEST_P(RuntimeTest, LinkErrorsAreUnlinkable) {
  Store store(config());
  auto bytes = wat_to_binary(R"((module (import "env" "g" (global i32))))");
  ASSERT_TRUE(bytes.ok());
  auto compiled = compile_module(std::move(*bytes), store.config());
  ASSERT_TRUE(compiled.ok());
  GlobalData* wrong = store.create_global({ValType::kI64, false}, 0);
  auto result = store.instantiate(*compiled, {Extern::global(wrong)});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kUnlinkable);
  auto missing = store.instantiate(*compiled, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kUnlinkable);
}

INSTANTIATE_TEST_SUITE_P(BothBoundsModes, RuntimeTest,
                         ::testing::Values(BoundsChecks::kGuardPages, BoundsChecks::kExplicit));

}  // namespace
}  // namespace wasmscope::internal

namespace wasmscope::internal {
namespace {

/// A module of one function () -> () whose locals are the runs {runs} (count, type byte).
std::vector<uint8_t> module_with_locals(const std::vector<std::pair<uint32_t, uint8_t>>& runs) {
  auto leb = [](std::vector<uint8_t>& out, uint32_t v) {
    do {
      uint8_t b = v & 0x7f;
      v >>= 7;
      out.push_back(v != 0 ? (b | 0x80) : b);
    } while (v != 0);
  };
  std::vector<uint8_t> body;
  leb(body, static_cast<uint32_t>(runs.size()));
  for (const auto& [count, type] : runs) {
    leb(body, count);
    body.push_back(type);
  }
  body.push_back(0x0b);  // end
  std::vector<uint8_t> m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
                            0x01, 0x04, 0x01, 0x60, 0x00, 0x00,  // type () -> ()
                            0x03, 0x02, 0x01, 0x00};             // one function
  std::vector<uint8_t> code;
  leb(code, 1);
  leb(code, static_cast<uint32_t>(body.size()));
  code.insert(code.end(), body.begin(), body.end());
  m.push_back(0x0a);
  leb(m, static_cast<uint32_t>(code.size()));
  m.insert(m.end(), code.begin(), code.end());
  return m;
}

}  // namespace

// exec_fuzz's out-of-memory input (fuzz/crashes/exec-oom-four-billion-locals.wasm): 4,294,967,231
// i32 locals and 2 i64 are valid by the spec (below 2^32) but no engine keeps that many; like
// V8 and Wasmtime, wasmscope runs at most 50,000 per function, checked before the translator
// expands them (compile_module translates for both tiers).
TEST(TranslateLimits, FourBillionLocalsAreRefusedAsAnImplementationLimit) {
  const std::vector<uint8_t> bytes = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03,
      0x02, 0x01, 0x00, 0x0a, 0x0c, 0x01, 0x0a, 0x02, 0xbf, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x02,
      0x7e, 0x0b};
  Result<Module> module = decode_module(bytes);
  ASSERT_TRUE(module.ok()) << module.error().to_string();  // well-formed: the count fits 32 bits
  ASSERT_TRUE(validate_module(*module).ok());               // and valid
  auto compiled = compile_module(bytes, StoreConfig{});
  ASSERT_FALSE(compiled.ok());
  EXPECT_EQ(compiled.error().kind, ErrorKind::kUnsupported);
  EXPECT_EQ(compiled.error().message,
            "too many locals: 4294967233, and wasmscope runs at most 50000 per function");
}

TEST(TranslateLimits, FiftyThousandLocalsAreTheLimit) {
  auto at = compile_module(module_with_locals({{49'990, 0x7f}, {10, 0x7c}}), StoreConfig{});
  EXPECT_TRUE(at.ok()) << at.error().to_string();
  auto over = compile_module(module_with_locals({{49'990, 0x7f}, {11, 0x7c}}), StoreConfig{});
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().message,
            "too many locals: 50001, and wasmscope runs at most 50000 per function");
}

}  // namespace wasmscope::internal
