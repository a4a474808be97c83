#pragma once
// The pickle opcodes the checkpoint reader and writer use (CPython Lib/pickletools.py).
namespace ignite::checkpoint::detail::op {

inline constexpr char MARK = '(';
inline constexpr char STOP = '.';
inline constexpr char POP = '0';
inline constexpr char POP_MARK = '1';
inline constexpr char DUP = '2';
inline constexpr char NONE = 'N';
inline constexpr char BININT = 'J';
inline constexpr char BININT1 = 'K';
inline constexpr char BININT2 = 'M';
inline constexpr char BINFLOAT = 'G';
inline constexpr char BINUNICODE = 'X';
inline constexpr char EMPTY_DICT = '}';
inline constexpr char EMPTY_LIST = ']';
inline constexpr char EMPTY_TUPLE = ')';
inline constexpr char APPEND = 'a';
inline constexpr char APPENDS = 'e';
inline constexpr char SETITEM = 's';
inline constexpr char SETITEMS = 'u';
inline constexpr char TUPLE = 't';
inline constexpr char GLOBAL = 'c';
inline constexpr char REDUCE = 'R';
inline constexpr char BUILD = 'b';
inline constexpr char BINPERSID = 'Q';
inline constexpr char BINPUT = 'q';
inline constexpr char LONG_BINPUT = 'r';
inline constexpr char BINGET = 'h';
inline constexpr char LONG_BINGET = 'j';
// Protocol 2.
inline constexpr char PROTO = '\x80';
inline constexpr char TUPLE1 = '\x85';
inline constexpr char TUPLE2 = '\x86';
inline constexpr char TUPLE3 = '\x87';
inline constexpr char NEWTRUE = '\x88';
inline constexpr char NEWFALSE = '\x89';
inline constexpr char LONG1 = '\x8a';
inline constexpr char LONG4 = '\x8b';
// Protocol 4 (a file re-saved with pickle_protocol=4).
inline constexpr char SHORT_BINUNICODE = '\x8c';
inline constexpr char BINUNICODE8 = '\x8d';
inline constexpr char MEMOIZE = '\x94';
inline constexpr char FRAME = '\x95';
inline constexpr char STACK_GLOBAL = '\x93';

}  // namespace ignite::checkpoint::detail::op
