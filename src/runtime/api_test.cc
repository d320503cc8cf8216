// Tests of the public C++ API, written as an embedder would use it.
#include <gtest/gtest.h>

#include <string>

#include "wasmscope/wasmscope.hh"

namespace {

using namespace wasmscope;

Module compile(const char* wat, const Config& config = {}) {
  auto m = Module::compile_text(wat, config);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().to_string());
  return m.ok() ? *m : Module();
}

constexpr const char* kCounter = R"((module $counter
  (import "env" "log" (func $log (param i32) (result i32)))
  (memory (export "mem") 1 2)
  (global $count (export "count") (mut i32) (i32.const 0))
  (table (export "tab") 2 funcref)
  (func $bump (export "bump") (param i32) (result i32)
    (global.set $count (i32.add (global.get $count) (local.get 0)))
    (i32.store (i32.const 8) (global.get $count))
    (call $log (global.get $count)))
  (func $inner (param i32) (result i32) (i32.div_u (i32.const 100) (local.get 0)))
  (func (export "outer") (param i32) (result i32) (call $inner (local.get 0)))
  (func (export "f64") (param f64 f32) (result f64) (f64.add (local.get 0) (f64.promote_f32 (local.get 1)))))
)";

TEST(Api, CallsWithTypedValuesHostFunctionsGlobalsAndMemory) {
  Store store;
  int logged = 0;
  Func log = store.define_func(
      FuncType{{ValType::kI32}, {ValType::kI32}},
      [&](std::span<const Value> args, std::span<Value> results) -> std::optional<std::string> {
        logged = args[0].i32();
        results[0] = Value::i32(args[0].i32() * 10);
        return std::nullopt;
      },
      "env.log");
  Module module = compile(kCounter);
  auto instance = store.instantiate(module, {{"env", "log", log}});
  ASSERT_TRUE(instance.ok()) << instance.error().to_string();

  CallResult r = instance->func("bump").call({Value::i32(5)});
  ASSERT_TRUE(r.ok()) << r.trap().to_string();
  ASSERT_EQ(r.values().size(), 1u);
  EXPECT_EQ(r.values()[0].i32(), 50);
  EXPECT_EQ(logged, 5);
  EXPECT_EQ(instance->global("count").get().i32(), 5);
  ASSERT_TRUE(instance->global("count").set(Value::i32(40)).ok());
  r = instance->func("bump").call({Value::i32(2)});
  EXPECT_EQ(r.values()[0].i32(), 420);

  Memory mem = instance->memory("mem");
  ASSERT_TRUE(mem.valid());
  uint8_t word[4];
  ASSERT_TRUE(mem.read(8, word).ok());
  EXPECT_EQ(word[0], 42);
  EXPECT_FALSE(mem.read(65535, word).ok());
  EXPECT_EQ(mem.size_pages(), 1u);
  auto old = mem.grow(1);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(*old, 1u);
  EXPECT_FALSE(mem.grow(1).ok());  // maximum is 2 pages

  r = instance->func("f64").call({Value::f64(1.25), Value::f32(0.5f)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.values()[0].f64(), 1.75);
  EXPECT_EQ(instance->table("tab").size(), 2u);
  EXPECT_TRUE(instance->table("tab").get(0)->is_null());
  EXPECT_FALSE(instance->table("tab").get(2).ok());
}

TEST(Api, TrapsCarryTheSymbolizedGuestStack) {
  Store store;
  Func log = store.define_func(FuncType{{ValType::kI32}, {ValType::kI32}},
                               [](std::span<const Value>, std::span<Value> results) {
                                 results[0] = Value::i32(0);
                                 return std::optional<std::string>();
                               });
  auto instance = store.instantiate(compile(kCounter), {{"env", "log", log}});
  ASSERT_TRUE(instance.ok());
  CallResult r = instance->func("outer").call({Value::i32(0)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.trap().message, "integer divide by zero");
  ASSERT_EQ(r.trap().frames.size(), 2u);
  EXPECT_EQ(r.trap().frames[0].function, "inner");  // innermost first, from the name section
  EXPECT_EQ(r.trap().frames[1].function, "outer");
  EXPECT_EQ(r.trap().frames[0].module, "counter");
  EXPECT_EQ(r.trap().frames[0].to_string().rfind("counter!inner+0x", 0), 0u);
  // The store stays usable after a trap.
  r = instance->func("outer").call({Value::i32(4)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.values()[0].i32(), 25);
}

TEST(Api, HostTrapsAndArgumentChecks) {
  Store store;
  Func log = store.define_func(FuncType{{ValType::kI32}, {ValType::kI32}},
                               [](std::span<const Value>, std::span<Value>) {
                                 return std::optional<std::string>("host says no");
                               });
  auto instance = store.instantiate(compile(kCounter), {{"env", "log", log}});
  ASSERT_TRUE(instance.ok());
  CallResult r = instance->func("bump").call({Value::i32(1)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.trap().message, "host says no");
  r = instance->func("bump").call({Value::i64(1)});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.trap().message.find("argument 0 has type i64"), std::string::npos);
  r = instance->func("bump").call({});
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(instance->func("nope").valid());
}

// Typed function references at the API: a value goes where a (ref $t) is expected only if it is
// a function of that type, and a null only where null is allowed (call_ref trusts the type).
TEST(Api, TypedFunctionReferencesAreCheckedAtTheBoundary) {
  Store store;
  auto instance = store.instantiate(compile(R"((module
    (type $t (func (result i32)))
    (func $seven (export "seven") (type $t) (i32.const 7))
    (func (export "other") (param i32) (result i32) (local.get 0))
    (func (export "call") (param (ref $t)) (result i32) (call_ref $t (local.get 0)))
    (func (export "call-null") (param (ref null $t)) (result i32)
      (if (result i32) (ref.is_null (local.get 0)) (then (i32.const -1))
        (else (call_ref $t (local.get 0)))))
    (elem declare func $seven)
    (global (export "g") (mut (ref $t)) (ref.func $seven))
    (table (export "tab") 1 (ref null $t)))
  )"));
  ASSERT_TRUE(instance.ok());
  Func call = instance->func("call");
  Func seven = instance->func("seven");
  Func other = instance->func("other");
  CallResult r = call.call({Value::funcref(seven)});
  ASSERT_TRUE(r.ok()) << r.trap().message;
  EXPECT_EQ(r.values()[0].i32(), 7);
  // A function of another type, and a null, are refused before the guest runs.
  EXPECT_FALSE(call.call({Value::funcref(other)}).ok());
  EXPECT_FALSE(call.call({Value::funcref(Func())}).ok());
  r = instance->func("call-null").call({Value::funcref(Func())});
  ASSERT_TRUE(r.ok()) << r.trap().message;
  EXPECT_EQ(r.values()[0].i32(), -1);
  // A live global's and table's types: the same rules.
  Global g = instance->global("g");
  EXPECT_FALSE(g.set(Value::funcref(other)).ok());
  EXPECT_FALSE(g.set(Value::funcref(Func())).ok());
  EXPECT_TRUE(g.set(Value::funcref(seven)).ok());
  EXPECT_FALSE(g.type().type.nullable());
  // From a reference back to a callable function.
  Func from_global = store.func_of(g.get());
  ASSERT_TRUE(from_global.valid());
  r = from_global.call({});
  ASSERT_TRUE(r.ok()) << r.trap().message;
  EXPECT_EQ(r.values()[0].i32(), 7);
  EXPECT_FALSE(store.func_of(Value::funcref(Func())).valid());
  EXPECT_FALSE(store.func_of(Value::i32(7)).valid());
  Table tab = instance->table("tab");
  EXPECT_TRUE(tab.element_type().has_type_index());
  EXPECT_FALSE(tab.set(0, Value::funcref(other)).ok());
  EXPECT_TRUE(tab.set(0, Value::funcref(seven)).ok());
  EXPECT_TRUE(tab.set(0, Value::funcref(Func())).ok());
}

// Exceptions across the host boundary, in both tiers: a host function throws a guest
// exception that the guest catches; a guest exception no guest frame catches comes out of
// Func::call as "uncaught exception" with its tag and payload; the host throws it on through
// another call, and a guest catch_all there sees it.
constexpr const char* kExceptions = R"((module $exc
  (import "env" "host" (func $host (param i32)))
  (tag $e (export "e") (param i32 i64))
  (tag $other (export "other") (param i32))
  (func (export "catch_host") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $other $h)
        (call $host (local.get 0)))
      (i32.const -1)))
  (func (export "throw") (param i32)
    (throw $e (local.get 0) (i64.const 77)))
  (func (export "catch_all_host") (param i32) (result i32)
    (block $h
      (try_table (catch_all $h)
        (call $host (local.get 0)))
      (return (i32.const -1)))
    (i32.const 1)))
)";

void run_exceptions_across_the_host(Tier tier) {
  Config config;
  config.tier = tier;
  Store store(config);
  Tag other;
  Exception rethrow;
  Func host = store.define_func(
      FuncType{{ValType::kI32}, {}},
      [&](std::span<const Value> args, std::span<Value>) -> std::optional<std::string> {
        if (rethrow.valid()) return throw_exception(rethrow);
        const Value payload[] = {Value::i32(args[0].i32() * 2)};
        return throw_exception(other, payload);
      },
      "env.host");
  auto instance = store.instantiate(compile(kExceptions, config), {{"env", "host", host}});
  ASSERT_TRUE(instance.ok()) << instance.error().to_string();
  other = instance->tag("other");
  ASSERT_TRUE(other.valid());
  EXPECT_FALSE(instance->tag("catch_host").valid());  // a function, not a tag

  // The host's exception is the guest's: its catch of $other gets the payload.
  CallResult r = instance->func("catch_host").call({Value::i32(21)});
  ASSERT_TRUE(r.ok()) << r.trap().to_string();
  EXPECT_EQ(r.values().at(0).i32(), 42);
  EXPECT_FALSE(Exception::last_uncaught().valid());

  // An uncaught guest exception reaches the host with its tag and payload.
  r = instance->func("throw").call({Value::i32(5)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.trap().message, "uncaught exception");
  ASSERT_FALSE(r.trap().frames.empty());
  EXPECT_EQ(r.trap().frames.front().function, "throw");
  Exception e = Exception::last_uncaught();
  ASSERT_TRUE(e.valid());
  EXPECT_TRUE(e.tag() == instance->tag("e"));
  const std::vector<Value> payload = e.payload();
  ASSERT_EQ(payload.size(), 2u);
  EXPECT_EQ(payload[0].i32(), 5);
  EXPECT_EQ(payload[1].i64(), 77);

  // Thrown on by the host into another call: $other's catch does not match it, catch_all does.
  rethrow = e;
  r = instance->func("catch_host").call({Value::i32(1)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.trap().message, "uncaught exception");
  EXPECT_TRUE(Exception::last_uncaught().tag() == instance->tag("e"));
  r = instance->func("catch_all_host").call({Value::i32(1)});
  ASSERT_TRUE(r.ok()) << r.trap().to_string();
  EXPECT_EQ(r.values().at(0).i32(), 1);

  // A payload of the wrong types is the host's mistake: a trap that says so.
  rethrow = Exception();
  Func bad = store.define_func(
      FuncType{{ValType::kI32}, {}},
      [&](std::span<const Value>, std::span<Value>) -> std::optional<std::string> {
        const Value wrong[] = {Value::i64(1)};
        return throw_exception(other, wrong);
      },
      "env.bad");
  auto second = store.instantiate(compile(kExceptions, config), {{"env", "host", bad}});
  ASSERT_TRUE(second.ok());
  r = second->func("catch_all_host").call({Value::i32(1)});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.trap().message.find("payload value 0 has type i64"), std::string::npos)
      << r.trap().message;

  EXPECT_FALSE(store.create_tag(FuncType{{}, {ValType::kI32}}).ok());
  auto made = store.create_tag(FuncType{{ValType::kF64}, {}});
  ASSERT_TRUE(made.ok());
  EXPECT_EQ(made->type().params, std::vector<ValType>{ValType::kF64});

  // A tag is an extern like the others: exported, and imported by another module, whose throw
  // is then of the exporter's tag; a tag of other types does not link.
  auto exported = instance->get_export("e");
  ASSERT_TRUE(exported.has_value());
  EXPECT_EQ(exported->kind(), ExternKind::kTag);
  EXPECT_TRUE(exported->tag() == instance->tag("e"));
  auto importer = store.instantiate(compile(R"((module
    (import "env" "e" (tag $e (param i32 i64)))
    (func (export "throw") (throw $e (i32.const 9) (i64.const 10))))
  )", config), {{"env", "e", instance->tag("e")}});
  ASSERT_TRUE(importer.ok()) << importer.error().to_string();
  r = importer->func("throw").call({});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.trap().message, "uncaught exception");
  EXPECT_TRUE(Exception::last_uncaught().tag() == instance->tag("e"));
  EXPECT_EQ(Exception::last_uncaught().payload().at(0).i32(), 9);
  EXPECT_FALSE(store.instantiate(compile(R"((module (import "env" "e" (tag (param f64)))))",
                                         config),
                                 {{"env", "e", instance->tag("e")}})
                   .ok());
  EXPECT_FALSE(store.instantiate(compile(R"((module (import "env" "e" (tag (param i32 i64)))))",
                                         config),
                                 {{"env", "e", Tag()}})
                   .ok());
}

TEST(Api, ExceptionsAcrossTheHostBoundary) { run_exceptions_across_the_host(Tier::kInterpreter); }
TEST(Api, CompiledExceptionsAcrossTheHostBoundary) {
  run_exceptions_across_the_host(Tier::kCompiled);
}

TEST(Api, CompileAndLinkErrors) {
  const uint8_t truncated[] = {0x00, 0x61, 0x73, 0x6d, 0x01};
  auto bad = Module::compile(truncated);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kMalformed);
  auto invalid = Module::compile_text("(module (func (result i32)))");
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().kind, ErrorKind::kInvalid);

  Store store;
  Module module = compile(kCounter);
  auto missing = store.instantiate(module, std::vector<std::tuple<std::string, std::string, Extern>>{});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kUnlinkable);
  Func wrong = store.define_func(FuncType{{}, {}}, [](auto, auto) { return std::optional<std::string>(); });
  auto mismatched = store.instantiate(module, {{"env", "log", wrong}});
  ASSERT_FALSE(mismatched.ok());
  EXPECT_EQ(mismatched.error().kind, ErrorKind::kUnlinkable);
  ASSERT_EQ(module.imports().size(), 1u);
  EXPECT_EQ(module.imports()[0].name, "log");
  EXPECT_EQ(module.exports().size(), 6u);
  EXPECT_EQ(module.name(), "counter");
}

TEST(Api, CompiledModulesSerializeWithTheirNativeCode) {
  Config config;
  config.tier = Tier::kCompiled;
  config.opt_level = 3;  // not the default, so that the round trip shows
  auto m = Module::compile_text(R"((module
    (func $twice (param i32) (result i32)
      (if (i32.lt_s (local.get 0) (i32.const 0)) (then unreachable))
      (i32.mul (local.get 0) (i32.const 2)))
    (func (export "f") (param i32) (result i32) (call $twice (i32.add (local.get 0) (i32.const 1))))))",
                                config);
  if (!m.ok() && m.error().kind == ErrorKind::kUnsupported) GTEST_SKIP() << m.error().to_string();
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  auto bytes = m->serialize();
  ASSERT_TRUE(bytes.ok()) << bytes.error().to_string();

  Config loaded_config;
  auto again = Module::deserialize(*bytes, &loaded_config);
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_EQ(loaded_config.tier, Tier::kCompiled);
  EXPECT_EQ(loaded_config.opt_level, 3u);
  Store store(loaded_config);
  auto instance = store.instantiate(*again);
  ASSERT_TRUE(instance.ok()) << instance.error().to_string();
  CallResult r = instance->func("f").call({Value::i32(20)});
  ASSERT_TRUE(r.ok()) << r.trap().to_string();
  EXPECT_EQ(r.values()[0].i32(), 42);
  // Loading changes nothing: the same bytes come out again (the module keeps its file).
  auto bytes_again = again->serialize();
  ASSERT_TRUE(bytes_again.ok());
  EXPECT_EQ(*bytes_again, *bytes);
  // The code layout read from the file places a trap where the compiler's own did: the same
  // frames, to the wasm offset (the unreachable in $twice, then the call in f).
  Store jit_store(config);
  auto jit_instance = jit_store.instantiate(*m);
  ASSERT_TRUE(jit_instance.ok()) << jit_instance.error().to_string();
  const CallResult jit_trap = jit_instance->func("f").call({Value::i32(-5)});
  const CallResult loaded_trap = instance->func("f").call({Value::i32(-5)});
  ASSERT_FALSE(jit_trap.ok());
  ASSERT_FALSE(loaded_trap.ok());
  ASSERT_EQ(loaded_trap.trap().frames.size(), 2u) << loaded_trap.trap().to_string();
  ASSERT_EQ(jit_trap.trap().frames.size(), 2u) << jit_trap.trap().to_string();
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(loaded_trap.trap().frames[i].func_index, jit_trap.trap().frames[i].func_index);
    EXPECT_EQ(loaded_trap.trap().frames[i].code_offset, jit_trap.trap().frames[i].code_offset);
    EXPECT_NE(loaded_trap.trap().frames[i].code_offset, 0u);
  }

  // An interpreter's store runs it too, compiled (tiers link freely, tests/capture/
  // mixed_tiers_test.cc); an interpreted module has no code to give.
  Store interp_store;
  auto in_interp_store = interp_store.instantiate(*again);
  ASSERT_TRUE(in_interp_store.ok()) << in_interp_store.error().to_string();
  r = in_interp_store->func("f").call({Value::i32(1)});
  ASSERT_TRUE(r.ok()) << r.trap().to_string();
  EXPECT_EQ(r.values()[0].i32(), 4);
  auto interpreted = Module::compile_text("(module)");
  ASSERT_TRUE(interpreted.ok());
  EXPECT_FALSE(interpreted->serialize().ok());
  EXPECT_FALSE(Module().serialize().ok());

  // A flipped byte anywhere, a truncation, or wasm bytes are refused, saying why.
  for (size_t at : {size_t{3}, size_t{40}, bytes->size() / 2, bytes->size() - 1}) {
    std::vector<uint8_t> damaged = *bytes;
    damaged[at] ^= 0x20;
    auto refused = Module::deserialize(damaged);
    ASSERT_FALSE(refused.ok()) << "flipped byte " << at;
  }
  std::vector<uint8_t> truncated(bytes->begin(), bytes->end() - 10);
  auto refused = Module::deserialize(truncated);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("truncated"), std::string::npos)
      << refused.error().message;
  const uint8_t wasm[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  EXPECT_FALSE(Module::deserialize(wasm).ok());
}

TEST(Api, StartFunctionTrapFailsInstantiationWithItsStack) {
  Store store;
  Module module = compile(R"((module (func $boom unreachable) (start $boom)))");
  auto instance = store.instantiate(module);
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().kind, ErrorKind::kTrap);
  EXPECT_EQ(store.last_trap().message, "unreachable");
  ASSERT_EQ(store.last_trap().frames.size(), 1u);
  EXPECT_EQ(store.last_trap().frames[0].function, "boom");
}

TEST(Api, ExplicitBoundsModeAndModeMismatch) {
  Config explicit_config;
  explicit_config.bounds = BoundsChecks::kExplicit;
  Store store(explicit_config);
  Module module = compile(R"((module (memory 1) (func (export "peek") (param i32) (result i32)
      (i32.load (local.get 0)))))", explicit_config);
  auto instance = store.instantiate(module);
  ASSERT_TRUE(instance.ok());
  CallResult r = instance->func("peek").call({Value::i32(70000)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.trap().message, "out of bounds memory access");
  Store guard_store;
  EXPECT_FALSE(guard_store.instantiate(module).ok());
}

TEST(Api, V128ValuesCrossTheApiBothWays) {
  Store store;
  Func twice = store.define_func(
      FuncType{{ValType::kV128}, {ValType::kV128}},
      [](std::span<const Value> args, std::span<Value> results) -> std::optional<std::string> {
        uint8_t bytes[16];
        args[0].v128_bytes(bytes);
        for (uint8_t& b : bytes) b = static_cast<uint8_t>(b * 2);
        results[0] = Value::v128(bytes);
        return std::nullopt;
      });
  auto instance = store.instantiate(
      compile(R"((module
        (import "env" "twice" (func $twice (param v128) (result v128)))
        (func (export "f") (param v128 i32) (result v128 i32)
          (i32x4.add (call $twice (local.get 0)) (i32x4.splat (local.get 1)))
          (i32x4.extract_lane 3 (local.get 0)))))"),
      {{"env", "twice", twice}});
  ASSERT_TRUE(instance.ok()) << instance.error().to_string();
  uint8_t in[16];
  for (int i = 0; i < 16; ++i) in[i] = static_cast<uint8_t>(i);
  CallResult r = instance->func("f").call({Value::v128(in), Value::i32(1000)});
  ASSERT_TRUE(r.ok()) << r.trap().to_string();
  ASSERT_EQ(r.values().size(), 2u);
  uint8_t out[16];
  r.values()[0].v128_bytes(out);
  // Lane 0 of i32x4: bytes 0..3 doubled = 0x06040200, plus 1000.
  const uint32_t lane0 = out[0] | out[1] << 8 | out[2] << 16 | static_cast<uint32_t>(out[3]) << 24;
  EXPECT_EQ(lane0, 0x06040200u + 1000u);
  EXPECT_EQ(r.values()[1].i32(), 0x0f0e0d0c);  // lane 3 of the argument, untouched
}

}  // namespace
