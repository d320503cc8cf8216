// The text format's annotations that mean something (WebAssembly 3.0, appendix "Custom
// Sections and Annotations"): {(@custom ...)} at module level becomes a custom section,
// {(@name ...)} an entry of the name section, {(@metadata.code.branch_hint ...)} before an
// {if} or {br_if} an entry of the branch-hint section. The lexer lifts them out of the token
// stream ({Annotation}, each before a token index); the parser claims each where it reaches
// a place that gives it a meaning, and {check_unclaimed_annotations} rejects the rest.
#include <algorithm>

#include "base/utf8.h"
#include "text/parser.h"

namespace wasmscope::internal {
namespace {

constexpr std::string_view kBranchHintId = "metadata.code.branch_hint";

bool is_utf8(const std::string& s) {
  return is_valid_utf8(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

/// The section a {(before S)} / {(after S)} placement names; {first} and {last} are the
/// type and data sections.
bool section_for_keyword(std::string_view keyword, SectionKind* out) {
  struct Named {
    std::string_view name;
    SectionKind kind;
  };
  static constexpr Named kSections[] = {
      {"type", SectionKind::kType},           {"import", SectionKind::kImport},
      {"func", SectionKind::kFunction},       {"table", SectionKind::kTable},
      {"memory", SectionKind::kMemory},       {"tag", SectionKind::kTag},
      {"global", SectionKind::kGlobal},       {"export", SectionKind::kExport},
      {"start", SectionKind::kStart},         {"elem", SectionKind::kElem},
      {"code", SectionKind::kCode},           {"data", SectionKind::kData},
      {"datacount", SectionKind::kDataCount}, {"first", SectionKind::kType},
      {"last", SectionKind::kData},
  };
  for (const Named& section : kSections) {
    if (section.name == keyword) {
      *out = section.kind;
      return true;
    }
  }
  return false;
}

Error unexpected_in(const char* what, const Token& t) {
  return malformed(t.offset, std::string(what) + " annotation: unexpected token \"" +
                                 std::string(t.text.substr(0, 40)) + "\"");
}

}  // namespace

std::vector<const Annotation*> Parser::take_annotations(std::string_view id) {
  std::vector<const Annotation*> taken;
  auto it =
      std::lower_bound(annotations_.begin(), annotations_.end(), pos_,
                       [](const Annotation& a, size_t index) { return a.token_index < index; });
  for (; it != annotations_.end() && it->token_index == pos_; ++it) {
    const size_t i = static_cast<size_t>(it - annotations_.begin());
    if (claimed_[i] || it->id != id) continue;
    claimed_[i] = true;
    taken.push_back(&*it);
  }
  return taken;
}

// ---- @custom -----------------------------------------------------------------------------

Result<void> Parser::take_custom_annotations() {
  for (const Annotation* annotation : take_annotations("custom")) {
    WS_ASSIGN(TextCustom custom, parse_custom_annotation(*annotation));
    module_.customs.push_back(std::move(custom));
  }
  return {};
}

Result<TextCustom> Parser::parse_custom_annotation(const Annotation& annotation) const {
  const std::vector<Token>& items = annotation.items;
  TextCustom custom;
  if (items.empty() || items[0].kind != TokenKind::kString) {
    return malformed(annotation.offset, "@custom annotation: missing section name");
  }
  custom.name = items[0].value;
  if (!is_utf8(custom.name)) {
    return malformed(items[0].offset, "@custom annotation: malformed UTF-8 encoding");
  }
  size_t i = 1;
  if (i < items.size() && items[i].kind == TokenKind::kLParen) {
    const uint32_t at = items[i++].offset;
    const bool direction = i < items.size() && items[i].kind == TokenKind::kKeyword &&
                           (items[i].text == "before" || items[i].text == "after");
    if (!direction) return malformed(at, "@custom annotation: malformed placement");
    custom.after = items[i++].text == "after";
    if (i >= items.size() || items[i].kind != TokenKind::kKeyword ||
        !section_for_keyword(items[i].text, &custom.anchor)) {
      return malformed(at, "@custom annotation: malformed section kind");
    }
    ++i;
    if (i >= items.size()) return malformed(at, "@custom annotation: unexpected end");
    if (items[i].kind != TokenKind::kRParen) return unexpected_in("@custom", items[i]);
    ++i;
  }
  while (i < items.size() && items[i].kind == TokenKind::kString)
    custom.bytes += items[i++].value;
  if (i < items.size()) return unexpected_in("@custom", items[i]);
  return custom;
}

// ---- @name -------------------------------------------------------------------------------

Result<std::optional<std::string>> Parser::take_name_annotation(const char* what) {
  std::optional<std::string> name;
  for (const Annotation* annotation : take_annotations("name")) {
    if (name) {
      return malformed(annotation->offset,
                       std::string("@name annotation: multiple ") + what + " names");
    }
    const std::vector<Token>& items = annotation->items;
    if (items.empty() || items[0].kind != TokenKind::kString) {
      return malformed(annotation->offset, "@name annotation: string expected");
    }
    if (items.size() > 1) return unexpected_in("@name", items[1]);
    if (!is_utf8(items[0].value)) return malformed(items[0].offset, "malformed UTF-8 encoding");
    name = items[0].value;
  }
  return name;
}

// ---- @metadata.code.branch_hint ----------------------------------------------------------

Result<int> Parser::take_branch_hint(const FuncContext* ctx) {
  if (ctx->branch_hints == nullptr) return -1;  // Left for check_unclaimed_annotations().
  const std::vector<const Annotation*> hints = take_annotations(kBranchHintId);
  if (hints.empty()) return -1;
  if (hints.size() > 1) {
    return malformed(hints[1]->offset,
                     "@metadata.code.branch_hint annotation: duplicate annotation");
  }
  WS_ASSIGN(uint8_t value, parse_branch_hint(*hints[0]));
  return value;
}

Result<uint8_t> Parser::parse_branch_hint(const Annotation& annotation) const {
  std::string payload;
  for (const Token& item : annotation.items) {
    if (item.kind != TokenKind::kString) {
      return unexpected_in("@metadata.code.branch_hint", item);
    }
    payload += item.value;
  }
  if (payload.size() != 1 || static_cast<uint8_t>(payload[0]) > 1) {
    return malformed(annotation.offset,
                     "@metadata.code.branch_hint annotation: invalid hint value");
  }
  return static_cast<uint8_t>(payload[0]);
}

void Parser::note_branch_hint(FuncContext* ctx, int hint, const Bytes& out) {
  if (hint < 0) return;
  ctx->branch_hints->push_back({static_cast<uint32_t>(out.size()), static_cast<uint8_t>(hint)});
}

// ---- What nothing claimed ----------------------------------------------------------------

Result<void> Parser::check_unclaimed_annotations() {
  auto in_function = [this](const Annotation& a) {
    return std::any_of(func_ranges_.begin(), func_ranges_.end(), [&a](const auto& range) {
      return a.token_index > range.first && a.token_index < range.second;
    });
  };
  // Malformed text first; a branch hint inside a function but on no {if} or {br_if} is
  // well formed, yet invalid (the reference interpreter finds it when checking the module).
  for (size_t i = 0; i < annotations_.size(); ++i) {
    if (claimed_[i]) continue;
    const Annotation& a = annotations_[i];
    if (a.id == "custom") return malformed(a.offset, "misplaced @custom annotation");
    if (a.id == "name") return malformed(a.offset, "misplaced @name annotation");
    WS_TRY(parse_branch_hint(a));
    if (!in_function(a)) {
      return malformed(a.offset, "@metadata.code.branch_hint annotation: not in a function");
    }
  }
  for (size_t i = 0; i < annotations_.size(); ++i) {
    if (!claimed_[i]) {
      return invalid(annotations_[i].offset,
                     "@metadata.code.branch_hint annotation: invalid target");
    }
  }
  return {};
}

}  // namespace wasmscope::internal
