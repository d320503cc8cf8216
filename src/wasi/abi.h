// WASI preview1 ("wasi_snapshot_preview1") as the guest sees it: the enumerations, flag bits
// and wasm32 struct layouts of the witx definition. Values are the spec's; offsets are bytes
// into guest memory, little-endian.
#pragma once

#include <cstdint>

namespace wasmscope::internal::wasi {

/// The preview1 error codes.
enum class Errno : uint16_t {
  kSuccess = 0, k2Big = 1, kAcces = 2, kAddrInUse = 3, kAddrNotAvail = 4, kAfNoSupport = 5,
  kAgain = 6, kAlready = 7, kBadf = 8, kBadMsg = 9, kBusy = 10, kCanceled = 11, kChild = 12,
  kConnAborted = 13, kConnRefused = 14, kConnReset = 15, kDeadlk = 16, kDestAddrReq = 17,
  kDom = 18, kDquot = 19, kExist = 20, kFault = 21, kFbig = 22, kHostUnreach = 23, kIdrm = 24,
  kIlseq = 25, kInProgress = 26, kIntr = 27, kInval = 28, kIo = 29, kIsConn = 30, kIsDir = 31,
  kLoop = 32, kMfile = 33, kMlink = 34, kMsgSize = 35, kMultihop = 36, kNameTooLong = 37,
  kNetDown = 38, kNetReset = 39, kNetUnreach = 40, kNfile = 41, kNoBufs = 42, kNoDev = 43,
  kNoEnt = 44, kNoExec = 45, kNoLck = 46, kNoLink = 47, kNoMem = 48, kNoMsg = 49,
  kNoProtoOpt = 50, kNoSpc = 51, kNoSys = 52, kNotConn = 53, kNotDir = 54, kNotEmpty = 55,
  kNotRecoverable = 56, kNotSock = 57, kNotSup = 58, kNotTy = 59, kNxio = 60, kOverflow = 61,
  kOwnerDead = 62, kPerm = 63, kPipe = 64, kProto = 65, kProtoNoSupport = 66,
  kProtoType = 67, kRange = 68, kRofs = 69, kSpipe = 70, kSrch = 71, kStale = 72,
  kTimedOut = 73, kTxtBsy = 74, kXdev = 75, kNotCapable = 76,
};

/// The preview1 errno for host {errno_value}; kIo for values preview1 has no name for.
Errno errno_from_host(int errno_value);

/// Rights: what an fd may be used for.
namespace rights {
constexpr uint64_t kFdDatasync = 1ull << 0;
constexpr uint64_t kFdRead = 1ull << 1;
constexpr uint64_t kFdSeek = 1ull << 2;
constexpr uint64_t kFdFdstatSetFlags = 1ull << 3;
constexpr uint64_t kFdSync = 1ull << 4;
constexpr uint64_t kFdTell = 1ull << 5;
constexpr uint64_t kFdWrite = 1ull << 6;
constexpr uint64_t kFdAdvise = 1ull << 7;
constexpr uint64_t kFdAllocate = 1ull << 8;
constexpr uint64_t kPathCreateDirectory = 1ull << 9;
constexpr uint64_t kPathCreateFile = 1ull << 10;
constexpr uint64_t kPathLinkSource = 1ull << 11;
constexpr uint64_t kPathLinkTarget = 1ull << 12;
constexpr uint64_t kPathOpen = 1ull << 13;
constexpr uint64_t kFdReaddir = 1ull << 14;
constexpr uint64_t kPathReadlink = 1ull << 15;
constexpr uint64_t kPathRenameSource = 1ull << 16;
constexpr uint64_t kPathRenameTarget = 1ull << 17;
constexpr uint64_t kPathFilestatGet = 1ull << 18;
constexpr uint64_t kPathFilestatSetSize = 1ull << 19;
constexpr uint64_t kPathFilestatSetTimes = 1ull << 20;
constexpr uint64_t kFdFilestatGet = 1ull << 21;
constexpr uint64_t kFdFilestatSetSize = 1ull << 22;
constexpr uint64_t kFdFilestatSetTimes = 1ull << 23;
constexpr uint64_t kPathSymlink = 1ull << 24;
constexpr uint64_t kPathRemoveDirectory = 1ull << 25;
constexpr uint64_t kPathUnlinkFile = 1ull << 26;
constexpr uint64_t kPollFdReadwrite = 1ull << 27;
constexpr uint64_t kSockShutdown = 1ull << 28;
constexpr uint64_t kSockAccept = 1ull << 29;
constexpr uint64_t kAll = (1ull << 30) - 1;

/// Rights a regular file (or other non-directory) can use.
constexpr uint64_t kFile = kFdDatasync | kFdRead | kFdSeek | kFdFdstatSetFlags | kFdSync |
                           kFdTell | kFdWrite | kFdAdvise | kFdAllocate | kFdFilestatGet |
                           kFdFilestatSetSize | kFdFilestatSetTimes | kPollFdReadwrite;
/// Rights a directory can use itself.
constexpr uint64_t kDirectory =
    kFdFdstatSetFlags | kFdSync | kFdDatasync | kFdAdvise | kPathCreateDirectory |
    kPathCreateFile | kPathLinkSource | kPathLinkTarget | kPathOpen | kFdReaddir |
    kPathReadlink | kPathRenameSource | kPathRenameTarget | kPathFilestatGet |
    kPathFilestatSetSize | kPathFilestatSetTimes | kFdFilestatGet | kFdFilestatSetTimes |
    kPathSymlink | kPathRemoveDirectory | kPathUnlinkFile;
/// Rights of a socket.
constexpr uint64_t kSocket = kFdRead | kFdWrite | kFdFdstatSetFlags | kFdFilestatGet |
                             kPollFdReadwrite | kSockShutdown | kSockAccept;
}  // namespace rights

enum class Filetype : uint8_t {
  kUnknown = 0, kBlockDevice = 1, kCharacterDevice = 2, kDirectory = 3, kRegularFile = 4,
  kSocketDgram = 5, kSocketStream = 6, kSymbolicLink = 7,
};

/// fdflags.
constexpr uint16_t kFdflagAppend = 1, kFdflagDsync = 2, kFdflagNonblock = 4, kFdflagRsync = 8,
                   kFdflagSync = 16;
/// oflags.
constexpr uint16_t kOflagCreat = 1, kOflagDirectory = 2, kOflagExcl = 4, kOflagTrunc = 8;
/// lookupflags.
constexpr uint32_t kLookupSymlinkFollow = 1;
/// fstflags.
constexpr uint16_t kFstAtim = 1, kFstAtimNow = 2, kFstMtim = 4, kFstMtimNow = 8;
/// whence.
constexpr uint8_t kWhenceSet = 0, kWhenceCur = 1, kWhenceEnd = 2;
/// advice.
constexpr uint8_t kAdviceNormal = 0, kAdviceSequential = 1, kAdviceRandom = 2,
                  kAdviceWillNeed = 3, kAdviceDontNeed = 4, kAdviceNoReuse = 5;
/// clockid.
constexpr uint32_t kClockRealtime = 0, kClockMonotonic = 1, kClockProcessCputime = 2,
                   kClockThreadCputime = 3;
/// eventtype.
constexpr uint8_t kEventClock = 0, kEventFdRead = 1, kEventFdWrite = 2;
/// subclockflags.
constexpr uint16_t kSubclockAbstime = 1;
/// eventrwflags.
constexpr uint16_t kEventFdReadwriteHangup = 1;
/// preopentype.
constexpr uint8_t kPreopenDir = 0;
/// riflags / roflags / sdflags.
constexpr uint16_t kRecvPeek = 1, kRecvWaitall = 2;
constexpr uint16_t kRecvDataTruncated = 1;
constexpr uint8_t kShutRd = 1, kShutWr = 2;

/// wasm32 layouts: {kSize} and field offsets.
namespace layout {
struct Iovec { static constexpr uint32_t kSize = 8, kBuf = 0, kBufLen = 4; };
struct Fdstat {
  static constexpr uint32_t kSize = 24, kFiletype = 0, kFlags = 2, kRightsBase = 8,
                            kRightsInheriting = 16;
};
struct Filestat {
  static constexpr uint32_t kSize = 64, kDev = 0, kIno = 8, kFiletype = 16, kNlink = 24,
                            kFileSize = 32, kAtim = 40, kMtim = 48, kCtim = 56;
};
struct Dirent {
  static constexpr uint32_t kSize = 24, kNext = 0, kIno = 8, kNamlen = 16, kType = 20;
};
struct Prestat { static constexpr uint32_t kSize = 8, kTag = 0, kNameLen = 4; };
struct Subscription {
  static constexpr uint32_t kSize = 48, kUserdata = 0, kTag = 8, kClockId = 16,
                            kClockTimeout = 24, kClockPrecision = 32, kClockFlags = 40,
                            kFd = 16;
};
struct Event {
  static constexpr uint32_t kSize = 32, kUserdata = 0, kError = 8, kType = 10, kNbytes = 16,
                            kFlags = 24;
};
}  // namespace layout

}  // namespace wasmscope::internal::wasi
