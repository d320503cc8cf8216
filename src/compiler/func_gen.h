// The compiled tier's code generator, shared by its source files: compiler.cc (scalar
// instructions, control, calls, the JIT), simd.cc (the SIMD proposal) and atomics.cc (the
// threads proposal). Internal to compiler/.
#pragma once

#include <llvm/IR/DebugInfoMetadata.h>
#include <llvm/IR/CallingConv.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/InlineAsm.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Module.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "binary/instr_reader.h"
#include "engine/compiled.h"
#include "engine/native_abi.h"
#include "engine/trap.h"
#include "spec/opcodes.h"
#include "wasmscope/features.h"
#include "wasmscope/result.h"

namespace wasmscope::internal::compiler {

using llvm::BasicBlock;
using llvm::PHINode;
using llvm::Type;
using llvm::Value;

inline Error unsupported(uint32_t offset, const std::string& what) {
  return Error{ErrorKind::kUnsupported, offset, "compiled tier: " + what + " is not supported yet"};
}

/// Which loops of a function observe its load sink at their heads (load_sink.h,
/// kLoadSinkLoopMarker): none, those whose code holds one of {offsets} (wasm code offsets),
/// or all.
struct LoopObservation {
  enum Level { kNone, kContaining, kAll } level = kNone;
  std::vector<uint32_t> offsets;  ///< Sorted.

  /// Whether the loop from code offset {begin} to its end at {end} observes the sink.
  bool covers(uint32_t begin, uint32_t end) const {
    if (level != kContaining) return level == kAll;
    auto it = std::lower_bound(offsets.begin(), offsets.end(), begin);
    return it != offsets.end() && *it <= end;
  }
};

/// What every function of a module shares while it is generated.
struct ModuleGen {
  const CompiledModule& cm;
  const Module& m;
  Features features;
  llvm::LLVMContext& ctx;
  llvm::Module& mod;
  Type* i8;
  Type* i32;
  Type* i64;
  Type* f32;
  Type* f64;
  Type* ptr;
  Type* void_type;
  /// A v128, whatever its lanes: each SIMD instruction bitcasts it to the shape it works on.
  Type* v128;
  std::vector<llvm::Function*> bodies;  ///< One per defined function.
  std::vector<llvm::FunctionType*> types;  ///< Native type per module type index.
  llvm::MDNode* tbaa_memory;   ///< Linear memory bytes.
  llvm::MDNode* tbaa_runtime;  ///< The runtime's structures (views, memory descriptors).
  llvm::FunctionCallee helper_trap;
  llvm::FunctionCallee load_sink_marker;  ///< load_sink.h: called with the sink, then removed.
  const char* fp_register_constraint;          ///< Inline asm: a float in and out, same register.
  bool has_ssse3;  ///< x86 with SSSE3: pshufb and pmulhrsw for swizzle and q15mulr_sat_s.
  std::vector<uint32_t> import_func_types;   ///< Type index per imported function.
  std::vector<ValType> import_global_types;  ///< Value type per imported global.

  Type* value_type(ValType t) const {
    switch (t) {
      case ValType::kI32: return i32;
      case ValType::kI64: return i64;
      case ValType::kF32: return f32;
      case ValType::kF64: return f64;
      case ValType::kFuncRef:
      case ValType::kExternRef:
      case ValType::kExnRef: return i64;
      case ValType::kV128: return v128;
    }
    return nullptr;
  }

  /// Registers for arguments under the bodies' convention: integers and pointers, floats and
  /// vectors (x86-64 SysV: rdi..r9, xmm0..7; AArch64: x0..7, v0..7).
  unsigned arg_gprs;
  unsigned arg_fprs;
  /// Bytes of stack arguments every body takes (see {native_type}).
  size_t body_arg_area;
  AddressTypes addr = {};  ///< memory64: which memories and tables take i64 addresses.
  /// AArch64: frames that call bodies with stack arguments get a variable-sized object
  /// ({keep_slots_off_sp} in compiler.cc).
  bool aarch64 = false;
  llvm::FunctionCallee load_sink_loop_marker = {};  ///< load_sink.h: the same at loop heads.
  /// Per defined function, the loops whose heads observe the load sink (kLoadSinkLoopMarker;
  /// compile_partition sets it for a function whose code had a loop with no way out).
  std::vector<LoopObservation> observe_loops = {};
  /// Every access to linear memory, and every global.set, volatile (levels 2 and 3 with guard
  /// pages): LLVM then keeps the guest's order, count and width of them, so a guard-page fault
  /// leaves memory and globals as the guest made them (docs/compiled-tier.md, "Memory after a
  /// trap").
  bool ordered_memory = false;

  /// Whether a body of type {ft} returns its results through memory, a pointer after {vm} to
  /// one slot per result (engine/native_abi.h's slot convention). More results than two
  /// might not fit the return registers, and LLVM would then return them through a hidden
  /// pointer into the caller's frame, which silently keeps a tail call from reusing that
  /// frame; a tail call passes its own results pointer on instead.
  static bool results_in_memory(const FuncType& ft) { return ft.results.size() > 2; }

  /// The parameters of a body of type {ft}, before padding.
  std::vector<Type*> native_params(const FuncType& ft) const {
    std::vector<Type*> params{ptr, ptr};
    if (results_in_memory(ft)) params.push_back(ptr);
    for (ValType t : ft.params) params.push_back(value_type(t));
    return params;
  }

  /// Bytes of stack the arguments {params} take when the registers are used up.
  size_t stack_arg_bytes(const std::vector<Type*>& params) const {
    unsigned gprs = 0;
    unsigned fprs = 0;
    size_t bytes = 0;
    for (Type* t : params) {
      const bool fp = t->isFloatingPointTy() || t->isVectorTy();
      unsigned& used = fp ? fprs : gprs;
      if (used < (fp ? arg_fprs : arg_gprs)) {
        ++used;
        continue;
      }
      const size_t size = t->isVectorTy() ? 16 : 8;
      bytes = (bytes + size - 1) / size * size + size;
    }
    return bytes;
  }

  /// The native type of a body of wasm type {ft}. Every body of a module takes the same bytes
  /// of stack arguments, {body_arg_area}, padded with unused trailing i64s: a tail call to a
  /// callee with more stack arguments than its caller would make LLVM reserve room above the
  /// return address in the caller's prologue, and the frame-pointer walk would no longer find
  /// the return address next to the saved frame pointer.
  llvm::FunctionType* native_type(const FuncType& ft) {
    std::vector<Type*> params = native_params(ft);
    while (stack_arg_bytes(params) < body_arg_area) params.push_back(i64);
    Type* ret = void_type;
    if (results_in_memory(ft)) {
      // void
    } else if (ft.results.size() == 1) {
      ret = value_type(ft.results[0]);
    } else if (ft.results.size() > 1) {
      std::vector<Type*> fields;
      for (ValType t : ft.results) fields.push_back(value_type(t));
      ret = llvm::StructType::get(ctx, fields);
    }
    return llvm::FunctionType::get(ret, params, false);
  }

  /// Declares the body of defined function {i} (its definition or, from another module, a
  /// declaration): the one place that sets the bodies' calling convention.
  llvm::Function* declare_body(uint32_t i) {
    const FuncType& ft = m.types[m.functions[i].type];
    std::string name = "f";  // not "f" + ...: g++ 12 warns falsely (-Wrestrict) once inlined
    name += std::to_string(i);
    llvm::Function* fn = llvm::Function::Create(native_type(ft), llvm::Function::ExternalLinkage,
                                                name, mod);
    fn->setCallingConv(kBodyCallingConv);
    return fn;
  }

  /// Calls a body, {callee} (a function or a pointer from {ws_indirect_target}) of native type
  /// {fty}, with {args} (the padding is added here). {tail}: a wasm return_call, which must
  /// reuse the caller's frame; the caller returns the result at once. Other calls stay calls:
  /// a frame per wasm call keeps stacks whole for captures, and a runaway recursion must
  /// exhaust the stack rather than become a loop.
  llvm::CallInst* call_body(llvm::IRBuilder<>& b, llvm::FunctionType* fty, Value* callee,
                            std::vector<Value*> args, bool tail) {
    while (args.size() < fty->getNumParams()) args.push_back(llvm::PoisonValue::get(i64));
    llvm::CallInst* c = b.CreateCall(fty, callee, args);
    c->setCallingConv(kBodyCallingConv);
    c->setTailCallKind(tail ? llvm::CallInst::TCK_Tail : llvm::CallInst::TCK_NoTail);
    return c;
  }

  /// LLVM's {tailcc}: a call marked `tail` in tail position is guaranteed not to grow the stack,
  /// as wasm's return_call must be, at every optimization level.
  static constexpr llvm::CallingConv::ID kBodyCallingConv = llvm::CallingConv::Tail;

  llvm::FunctionCallee helper(const char* name, Type* ret, std::vector<Type*> params) {
    return mod.getOrInsertFunction(name, llvm::FunctionType::get(ret, params, false));
  }
};

/// Slots a value of type {t} takes in the slot convention (engine/native_abi.h): a v128 two.
inline size_t slot_count(ValType t) { return t == ValType::kV128 ? 2 : 1; }

/// The alignment of a v128 in slots and globals (arrays of 8-byte slots): less than its type's.
inline constexpr unsigned kSlotAlign = 8;

/// Stores {v} at slot {index} of {slots} as the slot convention wants it: whole slots, i32 and
/// f32 zero-extended, a v128 over two slots.
void store_slot(llvm::IRBuilder<>& b, const ModuleGen& g, Value* slots, size_t index, Value* v);
/// Loads a value of native type {t} from slot {index} of {slots}.
Value* load_slot(llvm::IRBuilder<>& b, const ModuleGen& g, Value* slots, size_t index, Type* t);

/// Generates one function body.
class FuncGen {
 public:
  FuncGen(ModuleGen& g, uint32_t defined_index)
      : g_(g), index_(defined_index), fn_(g.m.functions[defined_index]),
        type_(g.m.types[fn_.type]), f_(g.bodies[defined_index]), b_(g.ctx) {}

  Result<void> generate();

 private:
  enum class Kind { kBlock, kLoop, kIf, kFunc };
  struct Ctl {
    Kind kind;
    BasicBlock* cont = nullptr;    ///< After the end; result phis live here.
    BasicBlock* header = nullptr;  ///< Loops: the branch target; parameter phis live here.
    BasicBlock* else_bb = nullptr; ///< Ifs until their else is seen.
    std::vector<Type*> params;
    std::vector<Type*> results;
    std::vector<PHINode*> result_phis;
    std::vector<PHINode*> param_phis;
    std::vector<Value*> if_params;  ///< Ifs: the parameters, for the else branch.
    size_t height = 0;              ///< Stack height below the parameters.
    uint32_t begin = 0;             ///< Loops: the code offset of the `loop`.
    llvm::CallInst* sink_marker = nullptr;  ///< Loops: the head's kLoadSinkLoopMarker call.
  };

  Value* pop() {
    Value* v = stack_.back();
    stack_.pop_back();
    return v;
  }
  void push(Value* v) { stack_.push_back(v); }
  std::vector<Value*> pop_n(size_t n) {
    std::vector<Value*> out(stack_.end() - static_cast<ptrdiff_t>(n), stack_.end());
    stack_.resize(stack_.size() - n);
    return out;
  }

  Result<void> block_signature(const BlockType& bt, std::vector<Type*>* params,
                               std::vector<Type*>* results, uint32_t offset);
  Ctl& label(uint32_t depth) { return ctls_[ctls_.size() - 1 - depth]; }
  void branch_to(Ctl& target);
  void end_unreachable() {
    unreachable_ = true;
    skip_depth_ = 0;
  }
  BasicBlock* new_block(const char* name) { return BasicBlock::Create(g_.ctx, name, f_); }
  void trap_if(Value* cond, Trap trap);
  BasicBlock* trap_block(Trap trap);
  Value* to_bool(Value* v) { return b_.CreateICmpNE(v, llvm::ConstantInt::get(v->getType(), 0)); }
  Value* from_bool(Value* v) { return b_.CreateZExt(v, g_.i32); }
  Value* load_runtime(Type* t, Value* base, size_t offset);
  Value* vm_field(size_t offset) { return load_runtime(g_.ptr, vm_, offset); }
  Value* memory_address(Value* index, uint32_t offset, uint32_t size);
  /// Makes the value of linear-memory load {v} observable (guard pages at levels 0 and 1; at 2
  /// and 3 loads are volatile and there is no sink, {ModuleGen::ordered_memory}): LLVM deletes a
  /// load whose value is dead, and with it the fault that is the trap of an out-of-bounds access.
  /// Every loaded value is added into a sink of its own width (i32 for loads of up to 32 bits,
  /// i64, or a v128 added lane by lane), which each return, tail call and trap passes to
  /// {ModuleGen::load_sink_marker}: during the IR pipeline no load can be deleted or moved
  /// below a trap, and the sums, in the loads' own widths, vectorize with the loops. After the
  /// pipeline, lower_load_sinks (load_sink.h) replaces the sums by free uses of the values.
  void keep_load(Value* v);
  /// The sinks folded into one i64, at {b}'s insertion point.
  Value* sink_total(llvm::IRBuilder<>& b);
  /// Passes the load sink to the marker: before every return and tail call.
  void store_sink();
  /// The host address of effective address {ea} (i64) in memory 0, for an access of {size}
  /// bytes: bounds-checked when {check_bounds} (else the guard pages catch it).
  Value* memory_address_at(Value* ea, uint32_t size, bool check_bounds);
  /// True when memory 0 is shared (declared so, or imported as such: import matching
  /// requires the same sharedness), so another thread may grow it while this code runs.
  bool memory0_shared() const { return memory_shared(0); }
  /// Whether memory {index} (imports first) is shared: known from the module's types.
  bool memory_shared(uint32_t index) const;
  /// Points {mem_}, {mem_shared_} at the memory instruction {in} uses (multi-memory).
  void select_memory(const Instr& in);
  /// Tags {load} as a load of linear memory (plain, not atomic): {mark_memory_access}, and
  /// volatile on a shared memory too.
  void mark_memory_load(llvm::LoadInst* load);
  /// Tags {access} (any load, store or atomic access of linear memory) as such: volatile
  /// where {ModuleGen::ordered_memory}.
  void mark_memory_access(llvm::Instruction* access);
  Value* call_intrinsic(llvm::Intrinsic::ID id, std::vector<Type*> types,
                        std::vector<Value*> args) {
    llvm::Function* fn = llvm::Intrinsic::getDeclaration(&g_.mod, id, types);
    return b_.CreateCall(fn, args);
  }
  /// A call to a function of type {ft}: {body} its native body ({direct}) or a pointer that may
  /// be null (then {callee_func} through {ws_call_func}). {tail}: return_call and
  /// return_call_indirect, which end the function.
  void emit_call(const FuncType& ft, Value* body, Value* callee_vm, Value* callee_func,
                 bool direct, bool tail);
  Value* trunc_checked(Value* x, Type* to, bool is_signed);
  /// {v}, hidden from constant folding when it is a constant that makes float operation
  /// {which} (add, sub, mul, div) an identity: LLVM folds x - 0.0 or x * 1.0 to x, but wasm
  /// must turn a signalling NaN x into a quiet one.
  Value* opaque_identity(Value* v, unsigned which);
  /// {v} through an empty inline asm: the same value, which LLVM cannot see through.
  Value* opaque(Value* v);
  Value* div_rem(Op op, Value* a, Value* bv);
  Result<void> instruction(const Instr& in);
  Result<void> instruction_op(const Instr& in);
  /// memory64: {in} on a 64-bit memory or table, run as its 32-bit form (translate.cc does the
  /// same in the interpreter: narrow the i64 operands, widen the result).
  Result<void> instruction_narrow64(const Instr& in, const Narrow64& wide);
  /// The SIMD instructions (simd.cc); {instruction} hands them over.
  Result<void> simd_instruction(const Instr& in);
  /// The threads proposal's instructions (atomics.cc); {instruction} hands them over.
  Result<void> atomic_instruction(const Instr& in);
  /// The host address of an atomic access of {width} bytes at {index} + {offset}: traps
  /// "unaligned atomic" unless the effective address is a multiple of {width}, then out of
  /// bounds as plain accesses do (always checked when {always_check_bounds}). Sets {*ea_out}
  /// (if given) to the effective address, an i64.
  Value* atomic_address(Value* index, uint32_t offset, uint32_t width, bool always_check_bounds,
                        Value** ea_out = nullptr);
  void emit_return();

  ModuleGen& g_;
  uint32_t index_;
  const Function& fn_;
  const FuncType& type_;
  llvm::Function* f_;
  llvm::IRBuilder<> b_;
  Value* ts_ = nullptr;
  Value* vm_ = nullptr;
  Value* memory0_ = nullptr;
  /// The MemoryData* the current instruction accesses: {memory0_}, or another memory's.
  Value* mem_ = nullptr;
  bool mem_shared_ = false;  ///< Whether {mem_} is shared.
  Value* results_ = nullptr;  ///< Where the results go ({ModuleGen::results_in_memory}), or null.
  BasicBlock* entry_ = nullptr;
  std::vector<llvm::AllocaInst*> locals_;
  // Guard-page mode: see {keep_load}. Null in explicit-bounds mode.
  llvm::AllocaInst* sink32_ = nullptr;
  llvm::AllocaInst* sink64_ = nullptr;
  llvm::AllocaInst* sinkv_ = nullptr;
  std::vector<Type*> local_types_;
  std::vector<Value*> stack_;
  std::vector<Ctl> ctls_;
  bool unreachable_ = false;
  uint32_t skip_depth_ = 0;
  llvm::DISubprogram* subprogram_ = nullptr;
  uint32_t offset_ = 0;  ///< The wasm code offset of the instruction being generated.
  bool explicit_bounds_ = false;
  /// Whether the body throws or catches: the compiled tier leaves such functions to the
  /// interpreter, behind a native body that calls it ({emit_interpreted_body}).
  bool runs_interpreted() const;
  void emit_interpreted_body();
  bool memory0_shared_ = false;  ///< {memory0_shared()}, computed once per function.
};

}  // namespace wasmscope::internal::compiler
