// Unit tests of the validator's rules. Modules are written in the text format and assembled
// with wabt's {wat2wasm --no-check} (so invalid modules still encode), then decoded and
// validated here.
#include "validate/validator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "binary/decoder.h"

// GCC 12 at -O2 reports "potential null pointer dereference" inside std::variant, std::string
// and gtest when {Result}'s accessors are inlined here: false positives of the optimizer's
// path analysis. Clang does not warn.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wnull-dereference"
#endif

namespace wasmscope::internal {
namespace {

/// The contents of the file at {path} ("" when it cannot be read).
std::string read_file(const std::string& path) {
  std::string data;
  if (std::FILE* file = std::fopen(path.c_str(), "rb")) {
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0)
      data.append(buffer, n);
    std::fclose(file);
  }
  return data;
}

/// Assembles {text} with wat2wasm; an empty vector (and a test failure) when that fails.
std::vector<uint8_t> assemble(const std::string& text) {
  char dir_template[] = "/tmp/validate_test_XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (!dir) {
    ADD_FAILURE() << "mkdtemp failed";
    return {};
  }
  const std::string wat = std::string(dir) + "/m.wat";
  const std::string wasm = std::string(dir) + "/m.wasm";
  const std::string err = std::string(dir) + "/err";
  if (std::FILE* file = std::fopen(wat.c_str(), "wb")) {
    std::fwrite(text.data(), 1, text.size(), file);
    std::fclose(file);
  }
  const std::string command =
      "wat2wasm --enable-all --no-check " + wat + " -o " + wasm + " 2>" + err;
  const int status = std::system(command.c_str());
  const std::string binary = read_file(wasm);
  const std::string err_text = read_file(err);
  std::remove(wat.c_str());
  std::remove(wasm.c_str());
  std::remove(err.c_str());
  rmdir(dir);
  if (status != 0) ADD_FAILURE() << "wat2wasm failed: " << err_text << "\n" << text;
  return std::vector<uint8_t>(binary.begin(), binary.end());
}

/// A module with one type [] -> [] and one function of that type whose instructions are
/// {code} (without the final {end}, which this adds).
std::vector<uint8_t> module_with_code(const std::vector<uint8_t>& code) {
  std::vector<uint8_t> bytes = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // header
                                0x01, 0x04, 0x01, 0x60, 0x00, 0x00,  // type section: [] -> []
                                0x03, 0x02, 0x01, 0x00};             // function section
  const uint8_t body_size = static_cast<uint8_t>(code.size() + 2);   // locals count, end
  bytes.insert(bytes.end(), {0x0a, static_cast<uint8_t>(body_size + 2), 0x01, body_size, 0x00});
  bytes.insert(bytes.end(), code.begin(), code.end());
  bytes.push_back(0x0b);
  return bytes;
}

/// Decodes (with every feature) and validates (with {features}).
Result<ModuleFacts> validate_bytes(std::vector<uint8_t> bytes, Features features = Features()) {
  Result<Module> module = decode_module(std::move(bytes));
  if (!module.ok()) return module.take_error();
  return validate_module(*module, features);
}

Result<ModuleFacts> validate_wat(const std::string& text, Features features = Features()) {
  return validate_bytes(assemble(text), features);
}

/// The validation error message for {text}, or "" when it validates.
std::string error_of(const std::string& text, Features features = Features()) {
  Result<ModuleFacts> result = validate_wat(text, features);
  if (result.ok()) return "";
  EXPECT_EQ(result.error().kind, ErrorKind::kInvalid) << result.error().to_string();
  return result.error().message;
}

#define EXPECT_VALID(text)                                                             \
  do {                                                                                 \
    Result<ModuleFacts> r_ = validate_wat(text);                                       \
    EXPECT_TRUE(r_.ok()) << (r_.ok() ? "" : r_.error().to_string()) << "\n" << (text); \
  } while (0)

#define EXPECT_INVALID(text, expected) \
  EXPECT_EQ(error_of(text).rfind(expected, 0), 0u) << error_of(text) << "\n" << (text)

// --- Facts --------------------------------------------------------------------------------

TEST(ValidatorFacts, LocalsHeightDepthAndSpans) {
  Result<ModuleFacts> result = validate_wat(R"(
    (module
      (func (param i32 i64) (result i32) (local f32 f32 f32)
        (block (result i32)
          (if (result i32) (local.get 0)
            (then (i32.const 1) (i32.const 2) (i32.add))
            (else (i32.const 3))))))
  )");
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  ASSERT_EQ(result->functions.size(), 1u);
  const FunctionFacts& f = result->functions[0];
  EXPECT_EQ(f.local_count, 5u);
  EXPECT_EQ(f.max_operand_height, 2u);
  EXPECT_EQ(f.max_control_depth, 3u);
  ASSERT_EQ(f.blocks.size(), 2u);
  // Spans are in opcode order: the block encloses the if.
  EXPECT_LT(f.blocks[0].start, f.blocks[1].start);
  EXPECT_EQ(f.blocks[0].else_, 0u);
  EXPECT_GT(f.blocks[1].else_, f.blocks[1].start);
  EXPECT_GT(f.blocks[1].end, f.blocks[1].else_);
  EXPECT_GT(f.blocks[0].end, f.blocks[1].end);
}

TEST(ValidatorFacts, EmptyFunctionHasDepthOne) {
  Result<ModuleFacts> result = validate_wat("(module (func))");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->functions[0].max_control_depth, 1u);
  EXPECT_EQ(result->functions[0].max_operand_height, 0u);
  EXPECT_TRUE(result->functions[0].blocks.empty());
}

// --- Operand stack ------------------------------------------------------------------------

TEST(ValidatorStack, PolymorphicAfterUnreachableAndBr) {
  EXPECT_VALID("(module (func (result i32) unreachable i32.add))");
  EXPECT_VALID("(module (func (result i32) unreachable select))");
  EXPECT_VALID(
      "(module (func (result i32) (block (result i32) (br 0 (i32.const 1)) i64.add"
      " drop)))");
  EXPECT_VALID("(module (func (result i64) (i64.const 0) return i32.eqz drop))");
  EXPECT_INVALID("(module (func (result i64) return))", "type mismatch");
  // Unknown operands still meet known ones above them.
  EXPECT_INVALID("(module (func (result i32) unreachable (i64.const 0) i32.add))", "type mismatch");
  EXPECT_INVALID("(module (func (result i32) unreachable (i64.const 0)))", "type mismatch");
}

TEST(ValidatorStack, UnderflowAndLeftovers) {
  EXPECT_INVALID("(module (func (result i32) i32.add))", "type mismatch");
  EXPECT_INVALID("(module (func (i32.const 1)))", "type mismatch");
  EXPECT_INVALID("(module (func (i32.const 1) (block (drop))))", "type mismatch");
}

TEST(ValidatorControl, BlockParamsMultiValue) {
  EXPECT_VALID(R"((module (func (result i32)
      (i32.const 1) (block (param i32) (result i32) (i32.const 2) (i32.add)))))");
  EXPECT_VALID(R"((module (func (result i32 i64)
      (i32.const 1) (i64.const 2) (loop (param i32 i64) (result i32 i64)))))");
  EXPECT_INVALID(R"((module (func (result i32)
      (block (param i32) (result i32) (i32.const 2) (i32.add)))))",
                 "type mismatch");
  // An if without else passes its params through, so they must equal its results.
  EXPECT_INVALID(R"((module (func (param i32) (result i64)
      (i32.const 1) (if (param i32) (result i64) (local.get 0) (then drop (i64.const 1))))))",
                 "type mismatch");
  EXPECT_VALID(R"((module (func (param i32) (result i32)
      (i32.const 1) (if (param i32) (result i32) (local.get 0) (then)))))");
  // block (type 7) end: wat2wasm will not encode a missing type index.
  Result<ModuleFacts> r = validate_bytes(module_with_code({0x02, 0x07, 0x0b}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "unknown type 7");
  EXPECT_EQ(r.error().offset, 0x17u);  // the block opcode
}

TEST(ValidatorControl, LabelsAndBrTable) {
  EXPECT_INVALID("(module (func (br 1)))", "unknown label");
  // Labels of different arity.
  EXPECT_INVALID(R"((module (func (result i32)
      (block (result i32) (block (br_table 0 1 (i32.const 0) (i32.const 0)))) )))",
                 "type mismatch");
  // Same arity, different types: fine when the operand is unknown (WebAssembly 2.0 rule).
  EXPECT_VALID(R"((module (func
      (block (result i32)
        (drop (block (result i64) unreachable (br_table 0 1 (i32.const 0))))
        (i32.const 0))
      drop)))");
  EXPECT_INVALID(R"((module (func
      (block (result i32)
        (drop (block (result i64) (br_table 0 1 (i64.const 0) (i32.const 0))))
        (i32.const 0))
      drop)))",
                 "type mismatch");
  EXPECT_VALID(R"((module (func (param i32) (result i32)
      (block (result i32) (br_table 0 0 (i32.const 5) (local.get 0))))))");
  // A loop label carries the loop's params.
  EXPECT_VALID(R"((module (func (result i32)
      (i32.const 0) (loop (param i32) (result i32) (br_if 0 (i32.const 1)) ))))");
}

TEST(ValidatorParametric, SelectRules) {
  EXPECT_VALID("(module (func (result f64) (select (f64.const 1) (f64.const 2) (i32.const 0))))");
  EXPECT_INVALID("(module (func (result i32) (select (i32.const 1) (i64.const 2) (i32.const 0))))",
                 "type mismatch");
  // Untyped select is for numbers and vectors only.
  EXPECT_INVALID(R"((module (func (result funcref)
      (select (ref.null func) (ref.null func) (i32.const 0)))))",
                 "type mismatch");
  EXPECT_VALID(R"((module (func (result funcref)
      (select (result funcref) (ref.null func) (ref.null func) (i32.const 0)))))");
  EXPECT_INVALID(R"((module (func
      (select (result i32 i32) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
              (i32.const 0)) drop drop)))",
                 "invalid result arity");
  EXPECT_VALID("(module (func (result i32) unreachable (select (i32.const 1) (i32.const 0))))");
}

// --- Immediates from the opcode table ----------------------------------------------------

TEST(ValidatorMemory, Alignment) {
  EXPECT_VALID("(module (memory 1) (func (drop (i32.load align=4 (i32.const 0)))))");
  EXPECT_INVALID("(module (memory 1) (func (drop (i32.load align=8 (i32.const 0)))))",
                 "alignment must not be larger than natural");
  EXPECT_INVALID("(module (memory 1) (func (drop (i32.load8_u align=2 (i32.const 0)))))",
                 "alignment must not be larger than natural");
  EXPECT_INVALID("(module (func (drop (i32.load (i32.const 0)))))", "unknown memory");
}

TEST(ValidatorMemory, AtomicsNeedNaturalAlignment) {
  EXPECT_VALID("(module (memory 1 1 shared) (func (drop (i32.atomic.load (i32.const 0)))))");
  EXPECT_INVALID(
      "(module (memory 1 1 shared) (func (drop (i32.atomic.load align=2 (i32.const 0)))))",
      "alignment must be equal to natural");
  EXPECT_INVALID(
      "(module (memory 1 1 shared) (func (drop (i64.atomic.load align=16 (i32.const 0)))))",
      "alignment must be equal to natural");
}

TEST(ValidatorSimd, LaneIndices) {
  EXPECT_VALID(R"((module (func (param v128) (result i32)
      (i8x16.extract_lane_s 15 (local.get 0)))))");
  EXPECT_INVALID(R"((module (func (param v128) (result i32)
      (i8x16.extract_lane_s 16 (local.get 0)))))",
                 "invalid lane index");
  EXPECT_INVALID(R"((module (func (param v128) (result i64)
      (i64x2.extract_lane 2 (local.get 0)))))",
                 "invalid lane index");
  EXPECT_INVALID(R"((module (memory 1) (func (param v128) (result v128)
      (v128.load32_lane 4 (i32.const 0) (local.get 0)))))",
                 "invalid lane index");
  EXPECT_VALID(R"((module (memory 1) (func (param v128) (result v128)
      (v128.load32_lane 3 (i32.const 0) (local.get 0)))))");
  EXPECT_INVALID(R"((module (func (param v128) (result v128)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 32 (local.get 0) (local.get 0)))))",
                 "invalid lane index");
}

TEST(ValidatorBulk, SegmentIndices) {
  EXPECT_INVALID(R"((module (memory 1) (data "x")
      (func (memory.init 1 (i32.const 0) (i32.const 0) (i32.const 0)))))",
                 "unknown data segment");
  EXPECT_VALID(R"((module (memory 1) (data "x") (func (data.drop 0))))");
  EXPECT_INVALID("(module (table 1 funcref) (func (elem.drop 0)))", "unknown elem segment");
  EXPECT_INVALID(R"((module (table 1 externref) (elem funcref) 
      (func (table.init 0 0 (i32.const 0) (i32.const 0) (i32.const 0)))))",
                 "type mismatch");
}

// --- Variables, calls, references --------------------------------------------------------

TEST(ValidatorVariables, LocalsAndGlobals) {
  EXPECT_INVALID("(module (func (param i32) (drop (local.get 1))))", "unknown local");
  EXPECT_INVALID("(module (func (local i64) (local.set 0 (i32.const 1))))", "type mismatch");
  EXPECT_INVALID("(module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1))))",
                 "global is immutable");
  EXPECT_VALID("(module (global (mut i32) (i32.const 0)) (func (global.set 0 (i32.const 1))))");
  EXPECT_INVALID("(module (func (drop (global.get 0))))", "unknown global");
}

TEST(ValidatorVariables, ManyLocalsUseRunLookup) {
  // Past 65536 locals the validator looks types up by run instead of expanding them.
  std::string locals;
  for (int i = 0; i < 70000; ++i)
    locals += " f32";
  const std::string head = "(module (func (param i32) (local" + locals + ") (local i64) ";
  Result<ModuleFacts> ok = validate_wat(head +
                                        "(drop (i64.eqz (local.get 70001)))"
                                        "(local.set 0 (i32.const 1))"
                                        "(local.set 70000 (f32.const 1))))");
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_EQ(ok->functions[0].local_count, 70002u);
  EXPECT_EQ(error_of(head + "(local.set 1 (i32.const 1))))"), "type mismatch");
  EXPECT_EQ(error_of(head + "(drop (local.get 70002))))"), "unknown local 70002");
}

TEST(ValidatorCalls, TailCallResultsMustMatch) {
  EXPECT_VALID(R"((module (func $f (result i32) (i32.const 1))
      (func (result i32) (return_call $f))))");
  EXPECT_INVALID(R"((module (func $f (result i32) (i32.const 1))
      (func (result i64) (return_call $f))))",
                 "type mismatch");
  EXPECT_INVALID(R"((module (type $t (func (result i32))) (table 1 funcref)
      (func (return_call_indirect (type $t) (i32.const 0)))))",
                 "type mismatch");
  EXPECT_INVALID("(module (func (call 5)))", "unknown function");
  EXPECT_INVALID(R"((module (type $t (func)) (table 1 externref)
      (func (call_indirect (type $t) (i32.const 0)))))",
                 "type mismatch");
}

TEST(ValidatorReferences, UndeclaredFunctionReference) {
  EXPECT_INVALID("(module (func $f) (func (drop (ref.func $f))))", "undeclared function reference");
  EXPECT_VALID("(module (func $f) (elem declare func $f) (func (drop (ref.func $f))))");
  EXPECT_VALID("(module (func $f) (export \"f\" (func $f)) (func (drop (ref.func $f))))");
  EXPECT_VALID("(module (func $f) (global funcref (ref.func $f)) (func (drop (ref.func $f))))");
  EXPECT_INVALID("(module (func (drop (ref.is_null (i32.const 0)))))", "type mismatch");
}

// --- Module level ------------------------------------------------------------------------

TEST(ValidatorConstExpr, Rules) {
  EXPECT_INVALID("(module (global i32 (i32.div_s (i32.const 1) (i32.const 2))))",
                 "constant expression required");
  EXPECT_INVALID("(module (global i32 (i64.const 0)))", "type mismatch");
  EXPECT_INVALID("(module (global i32 (i32.const 0) (i32.const 0)))", "type mismatch");
  // Immutable globals only; imported ones always, defined ones before the initialized one.
  EXPECT_INVALID(R"((module (import "m" "g" (global (mut i32)))
      (global i32 (global.get 0))))",
                 "constant expression required");
  EXPECT_VALID(R"((module (import "m" "g" (global i32)) (global i32 (global.get 0))))");
  EXPECT_VALID("(module (global i32 (i32.const 0)) (global i32 (global.get 0)))");
  EXPECT_INVALID("(module (global i32 (global.get 1)) (global i32 (i32.const 0)))",
                 "unknown global 1");
  EXPECT_INVALID("(module (global i32 (global.get 0)))", "unknown global 0");
  EXPECT_INVALID("(module (global (mut i32) (i32.const 0)) (global i32 (global.get 0)))",
                 "constant expression required");
  // Segments see every global.
  EXPECT_VALID("(module (memory 1) (data (global.get 0) \"\") (global i32 (i32.const 0)))");
  EXPECT_INVALID("(module (memory 1) (data (i64.const 0) \"\"))", "type mismatch");
  EXPECT_INVALID("(module (table 1 funcref) (elem (i32.const 0) funcref (ref.null extern)))",
                 "type mismatch");
}

TEST(ValidatorConstExpr, ExtendedConstants) {
  EXPECT_VALID("(module (global i32 (i32.add (i32.const 1) (i32.mul (i32.const 2) (i32.const 3)))))");
  EXPECT_VALID("(module (global i64 (i64.sub (i64.const 1) (i64.const 2))))");
  EXPECT_VALID(R"((module (import "m" "g" (global i32)) (memory 1)
      (data (i32.add (global.get 0) (i32.const 16)) "")))");
  EXPECT_INVALID("(module (global i32 (i32.add (i32.const 1) (i64.const 2))))", "type mismatch");
  EXPECT_INVALID("(module (global i64 (i32.add (i32.const 1) (i32.const 2))))", "type mismatch");
  EXPECT_INVALID("(module (global i32 (i32.const 1) (i32.add)))", "type mismatch");
  EXPECT_INVALID("(module (global i32 (i32.add (i32.const 1) (i32.const 2)) (i32.const 3)))",
                 "type mismatch");
  EXPECT_INVALID("(module (global f32 (f32.add (f32.const 1) (f32.const 2))))",
                 "constant expression required");

  // Turned off, WebAssembly 2.0's rules: no arithmetic, only imported globals.
  Features v2;
  v2.disable(Feature::kExtendedConst);
  EXPECT_EQ(error_of("(module (global i32 (i32.add (i32.const 1) (i32.const 2))))", v2),
            "constant expression required");
  EXPECT_EQ(error_of("(module (global i32 (i32.const 0)) (global i32 (global.get 0)))", v2),
            "unknown global 0");
  EXPECT_EQ(error_of("(module (memory 1) (data (global.get 0) \"\") (global i32 (i32.const 0)))",
                     v2),
            "unknown global 0");
  EXPECT_EQ(error_of(R"((module (import "m" "g" (global i32)) (global i32 (global.get 0))))", v2),
            "");
}

TEST(ValidatorModule, LimitsExportsStart) {
  EXPECT_INVALID("(module (memory 65537))", "memory size must be at most 65536 pages (4GiB)");
  EXPECT_INVALID("(module (memory 2 1))", "size minimum must not be greater than maximum");
  EXPECT_INVALID("(module (table 2 1 funcref))", "size minimum must not be greater than maximum");
  Features single_memory;
  single_memory.disable(Feature::kMultiMemory);
  EXPECT_EQ(error_of("(module (memory 1) (memory 1))", single_memory), "multiple memories");
  EXPECT_VALID("(module (memory 1) (memory 1))");
  EXPECT_INVALID("(module (memory 1) (memory 1) (func (drop (i32.load 2 (i32.const 0)))))",
                 "unknown memory 2");
  EXPECT_INVALID("(module (memory 1) (func (memory.copy 0 1 (i32.const 0) (i32.const 0) (i32.const 0))))",
                 "unknown memory 1");
  EXPECT_INVALID("(module (memory 1 shared))", "shared memory must have maximum");
  EXPECT_VALID("(module (table 1 funcref) (table 1 externref))");
  EXPECT_INVALID("(module (func) (export \"a\" (func 0)) (export \"a\" (func 0)))",
                 "duplicate export name");
  EXPECT_INVALID("(module (export \"a\" (func 0)))", "unknown function");
  EXPECT_INVALID("(module (func (param i32)) (start 0))", "start function");
  EXPECT_INVALID("(module (table 1 funcref) (elem (table 1) (i32.const 0) func))", "unknown table");
}

// --- Features ----------------------------------------------------------------------------

TEST(ValidatorFeatures, DisabledFeaturesAreRejected) {
  const char* simd = "(module (func (drop (i32x4.all_true (v128.const i32x4 0 0 0 0)))))";
  EXPECT_VALID(simd);
  Features no_simd;
  no_simd.disable(Feature::kSimd);
  Result<ModuleFacts> r = validate_wat(simd, no_simd);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalid);
  EXPECT_EQ(r.error().message, "v128.const requires the simd feature");
  EXPECT_EQ(error_of("(module (func (param v128)))", no_simd), "v128 requires the simd feature");

  Features no_threads;
  no_threads.disable(Feature::kThreads);
  EXPECT_EQ(error_of("(module (memory 1 1) (func (atomic.fence)))", no_threads),
            "atomic.fence requires the threads feature");

  Features no_tail;
  no_tail.disable(Feature::kTailCall);
  EXPECT_EQ(error_of("(module (func (return_call 0)))", no_tail),
            "return_call requires the tail-call feature");
  EXPECT_VALID("(module (func (return_call 0)))");

  Features no_multi;
  no_multi.disable(Feature::kMultiValue);
  EXPECT_EQ(error_of("(module (func (i32.const 1) (block (param i32) drop)))", no_multi),
            "block type index requires the multi-value feature");
  EXPECT_EQ(error_of("(module (func (result i32) (i32.const 1)))", no_multi), "");

  Features no_refs;
  no_refs.disable(Feature::kRefTypes);
  EXPECT_EQ(error_of("(module (global funcref (ref.null func)))", no_refs),
            "reference types require the reference-types feature");
  // Found by the differential test (tests/diff): a local or a block type of a type whose
  // feature is off was accepted (v128 locals under a feature set without simd).
  EXPECT_EQ(error_of("(module (func (local v128)))", no_simd), "v128 requires the simd feature");
  EXPECT_EQ(error_of("(module (func (drop (block (result v128) unreachable))))", no_simd),
            "v128 requires the simd feature");
  EXPECT_EQ(error_of("(module (func (local externref)))", no_refs),
            "reference types require the reference-types feature");
  EXPECT_VALID("(module (func (local v128 externref) (drop (block (result v128) unreachable))))");
}

// --- Robustness --------------------------------------------------------------------------

TEST(ValidatorRobustness, TruncatedAndMutatedModulesNeverCrash) {
  const std::vector<uint8_t> bytes = assemble(R"(
    (module (memory 1) (table 2 funcref) (global (mut i32) (i32.const 0))
      (func $f (param i32) (result i32)
        (block (result i32) (loop (result i32)
          (br_table 0 1 (local.get 0) (local.get 0)))))
      (elem (i32.const 0) $f)
      (data (i32.const 0) "ab"))
  )");
  ASSERT_FALSE(bytes.empty());
  // Flip every byte of the module in turn; whatever decodes must validate or fail cleanly.
  for (size_t i = 8; i < bytes.size(); ++i) {
    for (uint8_t value : {uint8_t{0x00}, uint8_t{0x7f}, uint8_t{0xff}, uint8_t{0x0b}}) {
      std::vector<uint8_t> mutated = bytes;
      mutated[i] = value;
      Result<ModuleFacts> result = validate_bytes(std::move(mutated));
      (void)result.ok();
    }
  }
}

}  // namespace
}  // namespace wasmscope::internal
