#include "binary/decoder.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace wasmscope::internal {
namespace {

using Bytes = std::vector<uint8_t>;

const Bytes kHeader = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

/// A section: id, one-byte size (payloads in these tests are < 128 bytes), payload.
Bytes section(uint8_t id, const Bytes& payload) {
  Bytes out = {id, static_cast<uint8_t>(payload.size())};
  for (uint8_t byte : payload) out.push_back(byte);
  return out;
}

Bytes module(std::initializer_list<Bytes> sections) {
  Bytes out = kHeader;
  for (const Bytes& s : sections) {
    for (uint8_t byte : s) out.push_back(byte);
  }
  return out;
}

/// Expects decoding to fail as malformed with a message containing {fragment}.
void expect_malformed(const Bytes& bytes, const std::string& fragment,
                      Features features = Features()) {
  auto result = decode_module(bytes, features);
  ASSERT_FALSE(result.ok()) << "expected: " << fragment;
  EXPECT_EQ(result.error().kind, ErrorKind::kMalformed);
  EXPECT_NE(result.error().message.find(fragment), std::string::npos)
      << "got: " << result.error().message << ", expected: " << fragment;
}

// type () -> (); func 0; code: end
const Bytes kTypeSection = section(1, {0x01, 0x60, 0x00, 0x00});
const Bytes kFuncSection = section(3, {0x01, 0x00});
const Bytes kCodeSection = section(10, {0x01, 0x02, 0x00, 0x0b});

TEST(Decoder, EmptyModule) {
  auto result = decode_module(kHeader);
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_TRUE(result->types.empty());
  EXPECT_EQ(result->func_count(), 0u);
}

TEST(Decoder, HeaderErrors) {
  expect_malformed({}, "unexpected end");
  expect_malformed({0x00, 0x61, 0x73}, "unexpected end");
  expect_malformed({0x00, 0x61, 0x73, 0x6e, 0x01, 0, 0, 0}, "magic header not detected");
  expect_malformed({0x00, 0x61, 0x73, 0x6d, 0x02, 0, 0, 0}, "unknown binary version");
  expect_malformed({0x00, 0x61, 0x73, 0x6d, 0x01, 0, 0}, "unexpected end");
}

TEST(Decoder, OneFunction) {
  auto result = decode_module(module({kTypeSection, kFuncSection, kCodeSection}));
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  ASSERT_EQ(result->functions.size(), 1u);
  EXPECT_EQ(result->functions[0].type, 0u);
  EXPECT_EQ(result->functions[0].code.size(), 1u);  // just the end opcode
  // The code range starts after the section id and size, the body count, the body size and
  // the local-run count (one byte each).
  const uint32_t code_section_start = 8 + kTypeSection.size() + kFuncSection.size();
  EXPECT_EQ(result->functions[0].code.begin, code_section_start + 5);
}

TEST(Decoder, SectionOrderAndIds) {
  expect_malformed(module({kFuncSection, kTypeSection}), "unexpected content after last section");
  expect_malformed(module({kTypeSection, kTypeSection}), "unexpected content after last section");
  expect_malformed(module({section(14, {})}), "malformed section id");
  // Data count (12) goes before code (10): after it is out of order.
  expect_malformed(module({kTypeSection, kFuncSection, kCodeSection, section(12, {0x00})}),
                   "unexpected content after last section");
  // Custom sections may appear anywhere.
  auto ok = decode_module(module({section(0, {0x01, 'a'}), kTypeSection, section(0, {0x00}),
                                  kFuncSection, kCodeSection, section(0, {0x01, 'z', 0x42})}));
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  ASSERT_EQ(ok->customs.size(), 3u);
  EXPECT_EQ(ok->customs[0].name, "a");
  EXPECT_EQ(ok->customs[2].name, "z");
  EXPECT_EQ(ok->customs[2].data.size(), 1u);
}

TEST(Decoder, SectionSizes) {
  // Declared size larger than the file.
  Bytes truncated = module({Bytes{0x01, 0x10, 0x00}});
  expect_malformed(truncated, "length out of bounds");
  // Size smaller than the content: type section claims 3 bytes but holds a 4-byte entry.
  expect_malformed(module({Bytes{0x01, 0x03, 0x01, 0x60, 0x00, 0x00}}), "");
  // Size larger than the content.
  expect_malformed(module({section(1, {0x01, 0x60, 0x00, 0x00, 0x00})}), "section size mismatch");
  // Custom section name runs past the section.
  expect_malformed(module({section(0, {0x05, 'a'})}), "length out of bounds");
}

TEST(Decoder, FunctionAndCodeCountsMustAgree) {
  expect_malformed(module({kTypeSection, kFuncSection}),
                   "function and code section have inconsistent lengths");
  expect_malformed(module({kTypeSection, kCodeSection}),
                   "function and code section have inconsistent lengths");
}

TEST(Decoder, DataCountRule) {
  // Data count 1 but no data section.
  expect_malformed(module({section(12, {0x01})}),
                   "data count and data section have inconsistent lengths");
  // memory.init without a data count section.
  expect_malformed(module({kTypeSection, kFuncSection, section(5, {0x01, 0x00, 0x01}),
                           section(10, {0x01, 0x0c, 0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00,
                                        0xfc, 0x08, 0x00, 0x00, 0x0b}),
                           section(11, {0x01, 0x01, 0x00})}),
                   "data count section required");
  // data.drop with neither a data count nor a data section decodes: there is no segment, so
  // the index is the validator's to reject as unknown.
  auto no_data = decode_module(module({kTypeSection, kFuncSection,
                                       section(10, {0x01, 0x05, 0x00, 0xfc, 0x09, 0x00, 0x0b})}));
  ASSERT_TRUE(no_data.ok()) << no_data.error().to_string();
  EXPECT_FALSE(no_data->data_count.has_value());
  // The same with a data count section decodes.
  auto ok = decode_module(module({kTypeSection, kFuncSection, section(5, {0x01, 0x00, 0x01}),
                                  section(12, {0x01}),
                                  section(10, {0x01, 0x0c, 0x00, 0x41, 0x00, 0x41, 0x00, 0x41,
                                               0x00, 0xfc, 0x08, 0x00, 0x00, 0x0b}),
                                  section(11, {0x01, 0x01, 0x00})}));
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_EQ(ok->data_count, 1u);
  ASSERT_EQ(ok->datas.size(), 1u);
  EXPECT_EQ(ok->datas[0].mode, SegmentMode::kPassive);
}

// Found by the differential test (tests/diff): with bulk memory disabled, the decoder took
// its data count section and passive segments, which wasm-validate (wabt) rejects.
TEST(Decoder, BulkMemoryFormsNeedTheFeature) {
  const Features no_bulk = Features().disable(Feature::kBulkMemory);
  const Bytes data_count = module({section(5, {0x01, 0x00, 0x01}), section(12, {0x01}),
                                   section(11, {0x01, 0x00, 0x41, 0x00, 0x0b, 0x00})});
  const Bytes passive_data = module({section(5, {0x01, 0x00, 0x01}),
                                     section(11, {0x01, 0x01, 0x00})});
  const Bytes passive_elem = module({kTypeSection, kFuncSection,
                                     section(9, {0x01, 0x01, 0x00, 0x01, 0x00}), kCodeSection});
  for (const Bytes& bytes : {data_count, passive_data, passive_elem}) {
    EXPECT_TRUE(decode_module(bytes).ok());
    auto result = decode_module(bytes, no_bulk);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ErrorKind::kMalformed);
  }
  EXPECT_NE(decode_module(data_count, no_bulk).error().message.find("malformed section id"),
            std::string::npos);
  // The MVP's forms still decode.
  EXPECT_TRUE(decode_module(module({section(5, {0x01, 0x00, 0x01}),
                                    section(11, {0x01, 0x00, 0x41, 0x00, 0x0b, 0x00})}),
                            no_bulk).ok());
}

TEST(Decoder, BodySyntax) {
  // Body without its final end.
  expect_malformed(module({kTypeSection, kFuncSection, section(10, {0x01, 0x02, 0x00, 0x01})}),
                   "unexpected end");
  // Bytes after the final end.
  expect_malformed(module({kTypeSection, kFuncSection,
                           section(10, {0x01, 0x03, 0x00, 0x0b, 0x01})}),
                   "section size mismatch");
  // Unknown opcode.
  expect_malformed(module({kTypeSection, kFuncSection, section(10, {0x01, 0x03, 0x00, 0xff, 0x0b})}),
                   "illegal opcode");
  // else outside if.
  expect_malformed(module({kTypeSection, kFuncSection,
                           section(10, {0x01, 0x05, 0x00, 0x02, 0x40, 0x05, 0x0b})}),
                   "else without if");
  // memory.size's reserved byte must be zero in WebAssembly 2.0; with multi-memory it is a
  // memory index (checked by the validator).
  Features v2;
  v2.disable(Feature::kMultiMemory);
  const Bytes size_1 = module({kTypeSection, kFuncSection,
                               section(10, {0x01, 0x05, 0x00, 0x3f, 0x01, 0x1a, 0x0b})});
  expect_malformed(size_1, "zero byte expected", v2);
  EXPECT_TRUE(decode_module(size_1).ok());
  // Memop flags from 0x80 up are malformed with multi-memory (2.0 left them to the validator).
  const Bytes flags_80 = module({kTypeSection, kFuncSection,
                                 section(10, {0x01, 0x09, 0x00, 0x41, 0x00, 0x28, 0x80, 0x01, 0x00,
                                              0x1a, 0x0b})});
  expect_malformed(flags_80, "malformed memop flags");
  EXPECT_TRUE(decode_module(flags_80, v2).ok());
}

TEST(Decoder, Locals) {
  auto ok = decode_module(module({kTypeSection, kFuncSection,
                                  section(10, {0x01, 0x06, 0x02, 0x02, 0x7f, 0x01, 0x7e, 0x0b})}));
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_EQ(ok->functions[0].local_count, 3u);
  ASSERT_EQ(ok->functions[0].locals.size(), 2u);
  EXPECT_EQ(ok->functions[0].locals[1].type, ValType::kI64);
  // Two runs of 2^31 locals each exceed 2^32 - 1.
  expect_malformed(module({kTypeSection, kFuncSection,
                           section(10, {0x01, 0x0e, 0x02, 0x80, 0x80, 0x80, 0x80, 0x08, 0x7f,
                                        0x80, 0x80, 0x80, 0x80, 0x08, 0x7f, 0x0b})}),
                   "too many locals");
  expect_malformed(module({kTypeSection, kFuncSection,
                           section(10, {0x01, 0x04, 0x01, 0x01, 0x55, 0x0b})}),
                   "malformed value type");
}

TEST(Decoder, ImportsAndNames) {
  // import "m" "f" (func (type 0)); import "m" "g" (global i32)
  auto ok = decode_module(module({kTypeSection,
                                  section(2, {0x02, 0x01, 'm', 0x01, 'f', 0x00, 0x00, 0x01, 'm',
                                              0x01, 'g', 0x03, 0x7f, 0x00})}));
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_EQ(ok->imported_funcs, 1u);
  EXPECT_EQ(ok->imported_globals, 1u);
  EXPECT_EQ(ok->imports[1].name, "g");
  expect_malformed(module({kTypeSection, section(2, {0x01, 0x01, 'm', 0x01, 'f', 0x05, 0x00})}),
                   "malformed import kind");
  expect_malformed(module({section(2, {0x01, 0x01, 0xff, 0x01, 'f', 0x00, 0x00})}),
                   "malformed UTF-8 encoding");
  expect_malformed(module({section(2, {0x01, 0x01, 'm', 0x01, 'g', 0x03, 0x7f, 0x02})}),
                   "malformed mutability");
}

TEST(Decoder, NameSection) {
  // name section: module name "m"; function names {0: "f"}; local names {0: {0: "x"}}.
  const Bytes names = {0x04, 'n', 'a', 'm', 'e',
                       0x00, 0x02, 0x01, 'm',
                       0x01, 0x04, 0x01, 0x00, 0x01, 'f',
                       0x02, 0x06, 0x01, 0x00, 0x01, 0x00, 0x01, 'x'};
  auto ok = decode_module(module({kTypeSection, kFuncSection, kCodeSection, section(0, names)}));
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  ASSERT_TRUE(ok->names.module.has_value());
  EXPECT_EQ(*ok->names.module, "m");
  EXPECT_EQ(ok->names.functions.at(0), "f");
  EXPECT_EQ(ok->names.locals.at(0).at(0), "x");
  // A malformed name section is ignored, not an error.
  const Bytes bad_names = {0x04, 'n', 'a', 'm', 'e', 0x01, 0x09, 0x01};
  auto still_ok = decode_module(module({section(0, bad_names)}));
  ASSERT_TRUE(still_ok.ok()) << still_ok.error().to_string();
  EXPECT_TRUE(still_ok->names.functions.empty());
}

TEST(Decoder, ElementSegmentForms) {
  // table; elem flags 0 (active, funcs), 1 (passive, elemkind), 5 (passive, exprs),
  // 7 (declarative, exprs).
  const Bytes elems = {0x04,
                       0x00, 0x41, 0x00, 0x0b, 0x01, 0x00,
                       0x01, 0x00, 0x01, 0x00,
                       0x05, 0x70, 0x01, 0xd2, 0x00, 0x0b,
                       0x07, 0x70, 0x01, 0xd0, 0x70, 0x0b};
  auto ok = decode_module(module({kTypeSection, kFuncSection, section(4, {0x01, 0x70, 0x00, 0x01}),
                                  section(9, elems), kCodeSection}));
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  ASSERT_EQ(ok->elems.size(), 4u);
  EXPECT_EQ(ok->elems[0].mode, SegmentMode::kActive);
  EXPECT_FALSE(ok->elems[0].uses_exprs);
  EXPECT_EQ(ok->elems[1].mode, SegmentMode::kPassive);
  EXPECT_TRUE(ok->elems[2].uses_exprs);
  EXPECT_EQ(ok->elems[3].mode, SegmentMode::kDeclarative);
  EXPECT_EQ(ok->elems[3].exprs[0].range.size(), 3u);
  expect_malformed(module({section(9, {0x01, 0x08, 0x00})}), "malformed elements segment kind");
  expect_malformed(module({section(9, {0x01, 0x01, 0x01, 0x00})}), "malformed element kind");
}

TEST(Decoder, HostileCountsDoNotAllocate) {
  // A type section claiming 2^32-1 entries in 4 bytes fails quickly as truncated.
  expect_malformed(module({section(1, {0xff, 0xff, 0xff, 0xff, 0x0f})}), "unexpected end");
  expect_malformed(module({section(3, {0xff, 0xff, 0xff, 0xff, 0x0f})}), "unexpected end");
}

TEST(Decoder, ErrorOffsetsPointAtTheProblem) {
  const Bytes bytes = module({section(1, {0x01, 0x60, 0x01, 0x55, 0x00})});
  auto result = decode_module(bytes);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().offset, 8u + 2 + 3);  // header, section id+size, count+form+count
}

}  // namespace
}  // namespace wasmscope::internal
