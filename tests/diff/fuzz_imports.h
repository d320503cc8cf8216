// The "fuzzing-support" imports of binaryen 132's translate-to-fuzz, for diff_driver's eh set:
// what binaryen's interpreter gives them (src/tools/execution-results.h of version_132,
// {LoggingExternalInterface} and {FuzzerImportResolver}), written against wasmscope's public
// API. Included once, by diff_driver.cc, after its helpers {format_value}, {zero_of},
// {print_outcome} and
// {define_logger}.
//
//   throw (i32)                     0: a JS exception (tag jstag, payload an externref the
//                                   interpreter prints "jserror"); else a wasmtag exception
//                                   carrying the argument
//   table-get (i32) -> funcref      the exported table "table"'s element; a JS exception when
//   table-set (i32 funcref)         there is no such export, the index is out of bounds, or the
//                                   start function is running (exports do not exist yet in JS)
//   call-export (i32 i32)           calls export number i (all kinds counted) as JS would: a JS
//   call-export-catch (i32) -> i32  exception for a missing or non-function export, an i64, v128
//                                   or exnref parameter, or a v128 or exnref result; zero
//                                   arguments. The -catch forms return 1 if an exception (wasm
//                                   or JS) escaped, else 0; traps propagate as traps
//   call-ref (funcref i32)          the same for a function reference (null: a JS exception)
//   call-ref-catch (funcref) -> i32
//   sleep (i32 i32) -> i32          returns its second argument at once
//
// The tags "wasmtag" (i32) and "jstag" (externref) are imports too, as are env.setTempRet0 and
// env.getTempRet0 (a 32-bit cell, for modules binaryen's JS legalization rewrote), and any
// immutable externref global import gets an externref whose payload is the sum of the bytes of
// its module and field names modulo 251 (as binaryen synthesizes them).
#include <deque>
#include <type_traits>

namespace fuzz132 {

using wasmscope::Exception;
using wasmscope::Func;
using wasmscope::FuncType;
using wasmscope::ValType;
using wasmscope::Value;
using Args = std::span<const Value>;  // a host body's parameters
using Results = std::span<Value>;

/// The payload of the externref a JS exception carries (binaryen's {jsErrorPayload}).
constexpr uint32_t kJsErrorPayload = 0xbad;

/// How a call "from JS" ended.
struct JsCall {
  enum Kind { kReturned, kThrew, kTrapped } kind = kReturned;
  Exception exception;  ///< kThrew: the wasm exception; invalid for a JS exception.
  std::string message;  ///< kTrapped: the trap's message.
};

class Host {
 public:
  Host(wasmscope::Store& store, const wasmscope::Module& module)
      : store_(store), module_(module) {
    wasm_tag_ = *store.create_tag(FuncType{{ValType::kI32}, {}});
    js_tag_ = *store.create_tag(FuncType{{ValType::kExternRef}, {}});
  }

  /// The value of every import of the module that this host provides, by name. With
  /// {legal_i64}, log-i64 takes an i64's low and high halves as two i32s, as it does once
  /// binaryen's JS legalization (a pass --fuzz-passes may pick) has rewritten the import.
  std::vector<std::tuple<std::string, std::string, wasmscope::Extern>> imports(bool legal_i64) {
    std::vector<std::tuple<std::string, std::string, wasmscope::Extern>> out;
    for (ValType t : {ValType::kI32, ValType::kF32, ValType::kF64})
      out.emplace_back("fuzzing-support", std::string("log-") + type_name(t),
                       define_logger(store_, t));
    out.emplace_back("fuzzing-support", "log-i64",
                     legal_i64 ? define_legal_i64_logger() : define_logger(store_, ValType::kI64));
    auto define = [&](const char* name, FuncType type, wasmscope::HostFunction body) {
      out.emplace_back("fuzzing-support", name,
                       store_.define_func(type, std::move(body),
                                          std::string("fuzzing-support.") + name));
    };
    const ValType i32 = ValType::kI32, funcref = ValType::kFuncRef;
    define("throw", {{i32}, {}}, [this](Args a, Results) {
      if (a[0].i32() == 0) return throw_js();
      return wasmscope::throw_exception(wasm_tag_, a);
    });
    define("table-get", {{i32}, {funcref}}, [this](Args a, Results r) {
      wasmscope::Table table = exported_table();
      if (!table.valid() || static_cast<uint32_t>(a[0].i32()) >= table.size()) return throw_js();
      r[0] = *table.get(static_cast<uint32_t>(a[0].i32()));
      return std::optional<std::string>();
    });
    define("table-set", {{i32, funcref}, {}}, [this](Args a, Results) {
      wasmscope::Table table = exported_table();
      if (!table.valid() || static_cast<uint32_t>(a[0].i32()) >= table.size()) return throw_js();
      if (!table.set(static_cast<uint32_t>(a[0].i32()), a[1]).ok())
        return std::optional<std::string>("table-set: the table is not a funcref table");
      return std::optional<std::string>();
    });
    define("call-export", {{i32, i32}, {}}, [this](Args a, Results) {
      return propagate(call_export(static_cast<uint32_t>(a[0].i32())));
    });
    define("call-export-catch", {{i32}, {i32}}, [this](Args a, Results r) {
      return catch_into(call_export(static_cast<uint32_t>(a[0].i32())), r);
    });
    define("call-ref", {{funcref, i32}, {}}, [this](Args a, Results) {
      return propagate(call_ref(a[0]));
    });
    define("call-ref-catch", {{funcref}, {i32}}, [this](Args a, Results r) {
      return catch_into(call_ref(a[0]), r);
    });
    define("sleep", {{i32, i32}, {i32}}, [](Args a, Results r) {
      r[0] = a[1];
      return std::optional<std::string>();
    });
    // Binaryen's JS legalization imports these too: the high half of an i64 crossing the
    // boundary.
    auto set_temp_ret0 = [this](Args a, Results) {
      temp_ret0_ = a[0].i32();
      return std::optional<std::string>();
    };
    auto get_temp_ret0 = [this](Args, Results r) {
      r[0] = Value::i32(temp_ret0_);
      return std::optional<std::string>();
    };
    out.emplace_back("env", "setTempRet0",
                     store_.define_func({{i32}, {}}, set_temp_ret0, "env.setTempRet0"));
    out.emplace_back("env", "getTempRet0",
                     store_.define_func({{}, {i32}}, get_temp_ret0, "env.getTempRet0"));
    out.emplace_back("fuzzing-support", "wasmtag", wasm_tag_);
    out.emplace_back("fuzzing-support", "jstag", js_tag_);
    for (const auto& imp : module_.imports()) {
      if (imp.kind != wasmscope::ExternKind::kGlobal) continue;
      uint32_t payload = 0;
      for (char c : imp.module + imp.name)
        payload = (payload + static_cast<unsigned char>(c)) % 251;
      out.emplace_back(imp.module, imp.name,
                       store_.create_global({ValType::kExternRef, false}, externref(payload)));
    }
    return out;
  }

  /// After instantiation: exports exist from now on ("in start" ends).
  void set_instance(wasmscope::Instance instance) { instance_ = instance; }

  /// "wasmtag", "jstag" or "tag" (one of the module's own).
  const char* tag_label(const wasmscope::Tag& tag) const {
    return tag == wasm_tag_ ? "wasmtag" : tag == js_tag_ ? "jstag" : "tag";
  }

 private:
  /// log-i64 after JS legalization: "log i64 VALUE" from the halves (low, high).
  Func define_legal_i64_logger() {
    return store_.define_func(
        FuncType{{ValType::kI32, ValType::kI32}, {}},
        [](Args a, Results) -> std::optional<std::string> {
          const uint64_t value = static_cast<uint64_t>(static_cast<uint32_t>(a[1].i32())) << 32 |
                                 static_cast<uint32_t>(a[0].i32());
          std::printf("log i64 %" PRId64 "\n", static_cast<int64_t>(value));
          return std::nullopt;
        },
        "fuzzing-support.log-i64");
  }

  /// An externref carrying {payload}; it points into {payloads_}, which never moves.
  Value externref(uint32_t payload) {
    payloads_.push_back(payload);
    return Value::externref(&payloads_.back());
  }

  std::optional<std::string> throw_js() {
    const Value payload = externref(kJsErrorPayload);
    return wasmscope::throw_exception(js_tag_, std::span<const Value>(&payload, 1));
  }

  /// The export "table", invalid while the start function runs or if there is none.
  wasmscope::Table exported_table() const {
    return instance_.valid() ? instance_.table("table") : wasmscope::Table();
  }

  JsCall call_export(uint32_t index) {
    const auto exports = module_.exports();
    if (!instance_.valid() || index >= exports.size() ||
        exports[index].kind != wasmscope::ExternKind::kFunc) {
      return {JsCall::kThrew, {}, {}};
    }
    return call_as_js(instance_.func(exports[index].name));
  }

  JsCall call_ref(const Value& ref) {
    if (ref.is_null()) return {JsCall::kThrew, {}, {}};
    return call_as_js(func_of(ref));
  }

  /// The function a non-null funcref of this store refers to.
  Func func_of(const Value& ref) const { return store_.func_of(ref); }

  /// Calls {func} the way fuzz_shell.js's JS does: zero arguments, a JS exception before the
  /// call for parameters or results JS cannot pass.
  JsCall call_as_js(const Func& func) {
    const FuncType type = func.type();
    std::vector<Value> args;
    for (ValType t : type.params) {
      if (t == ValType::kI64 || t == ValType::kV128 || t == ValType::kExnRef || !t.nullable())
        return {JsCall::kThrew, {}, {}};
      args.push_back(zero_of(t));
    }
    for (ValType t : type.results) {
      if (t == ValType::kV128 || t == ValType::kExnRef) return {JsCall::kThrew, {}, {}};
    }
    wasmscope::CallResult result = func.call(args);
    if (result.ok()) return {};
    if (result.trap().message == "uncaught exception")
      return {JsCall::kThrew, Exception::last_uncaught(), {}};
    return {JsCall::kTrapped, {}, result.trap().message};
  }

  /// A host body's outcome for {call}: exceptions and traps go on to the caller.
  std::optional<std::string> propagate(const JsCall& call) {
    switch (call.kind) {
      case JsCall::kReturned:
        return std::nullopt;
      case JsCall::kThrew:
        return call.exception.valid() ? wasmscope::throw_exception(call.exception) : throw_js();
      case JsCall::kTrapped:
        break;
    }
    return call.message;
  }

  /// The -catch forms: 1 if an exception escaped, else 0; a trap goes on.
  static std::optional<std::string> catch_into(const JsCall& call, std::span<Value> results) {
    if (call.kind == JsCall::kTrapped) return call.message;
    results[0] = Value::i32(call.kind == JsCall::kThrew ? 1 : 0);
    return std::nullopt;
  }

  wasmscope::Store& store_;
  const wasmscope::Module& module_;
  wasmscope::Instance instance_;
  wasmscope::Tag wasm_tag_, js_tag_;
  std::deque<uint32_t> payloads_;
  int32_t temp_ret0_ = 0;
};

/// Runs {module} as binaryen 132's --fuzz-exec-before does, printing the normal form.
inline int run(const wasmscope::Module& module, const wasmscope::Config& config) {
  g_externref_payloads = true;
  wasmscope::Store store(config);
  Host host(store, module);
  auto instance = store.instantiate(module, host.imports(false));
  if (!instance.ok() && instance.error().kind == wasmscope::ErrorKind::kUnlinkable &&
      instance.error().message.find("\"log-i64\"") != std::string::npos) {
    instance = store.instantiate(module, host.imports(true));  // linking ran nothing
  }
  if (!instance.ok()) {
    if (instance.error().kind == wasmscope::ErrorKind::kTrap) {
      if (store.last_trap().message == "uncaught exception") {
        std::printf("instantiate exception\n");
      } else {
        print_trap("instantiate trap", store.last_trap().message);
      }
      return 0;
    }
    std::printf("instantiate error %s\n", instance.error().message.c_str());
    return 2;
  }
  host.set_instance(*instance);
  std::printf("instantiate ok\n");
  for (const auto& exp : module.exports()) {
    if (exp.kind == wasmscope::ExternKind::kGlobal) {
      std::printf("global %s %s\n", exp.name.c_str(),
                  format_value(instance->global(exp.name).get()).c_str());
      continue;
    }
    if (exp.kind != wasmscope::ExternKind::kFunc) continue;
    Func func = instance->func(exp.name);
    FuncType type = func.type();
    std::printf("call %s %s -> %s\n", exp.name.c_str(), format_types(type.params).c_str(),
                format_types(type.results).c_str());
    std::fflush(stdout);
    std::vector<Value> args;
    for (ValType t : type.params)
      args.push_back(zero_of(t));
    wasmscope::CallResult result = func.call(args);
    if (!result.ok() && result.trap().message == "uncaught exception") {
      Exception e = Exception::last_uncaught();
      std::string line = std::string("exception ") + host.tag_label(e.tag());
      for (const Value& v : e.payload())
        line += " " + format_value(v);
      std::printf("%s\n", line.c_str());
    } else {
      print_outcome(result);
    }
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace fuzz132
