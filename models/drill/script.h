// SPDX-License-Identifier: GPL-2.0-only
// A packetdrill script as plain data: options, events (time + packet, system call,
// shell command or code snippet), and the expressions of system call arguments. The
// shapes follow packetdrill's own (script.h, parser.y) so that each rule of its
// interpreter has a field to read.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace sim::drill
{

// A script that cannot be parsed, or asks for something the model does not have:
// `SCRIPT:LINE: error: ...` (parse) or `SCRIPT:LINE: unsupported: ...`, exit status 2
class ScriptError : public std::runtime_error
{
  public:
    ScriptError(int line, const std::string& what, bool unsupported = false)
        : std::runtime_error(what),
          m_line(line),
          m_unsupported(unsupported)
    {
    }
    int Line() const { return m_line; }
    bool Unsupported() const { return m_unsupported; }

  private:
    int m_line;
    bool m_unsupported;
};

// packetdrill's enum event_time_t
enum class TimeType
{
    Absolute,      // 0.100
    Relative,      // +0.100
    AbsoluteRange, // 0.1~0.2 (outbound packets only)
    RelativeRange, // +0.1~+0.2 (outbound packets only)
    Any,           // * (outbound packets only)
};

// One TCP option as a script writes it (parser.y's tcp_option)
struct TcpOptionSpec
{
    enum class Kind
    {
        Eol,
        Nop,
        Mss,
        Wscale,
        SackOk,
        Sack,
        Timestamp,
        FastOpen,    // FO [cookie]
        FastOpenExp, // FOEXP [cookie]
        Md5,
    };
    Kind kind = Kind::Nop;
    uint32_t value = 0; // mss, wscale, TS val
    uint32_t ecr = 0;   // TS ecr
    std::vector<std::pair<uint32_t, uint32_t>> blocks; // sack
    std::string cookie;                                 // FO / FOEXP, hex digits
};

struct PacketSpec
{
    bool inbound = false; // '<': the script injects it; '>': the stack must send it
    std::string flags;    // as written: "S", "S.", "P.", ".", "" ('-': none)
    uint32_t seq = 0;     // start:end(len)
    uint32_t len = 0;
    bool has_ack = false; // "ack N" written
    uint32_t ack = 0;
    int32_t window = -1;  // -1: not written (outbound: not checked)
    uint16_t urg_ptr = 0;
    // nullopt: "<...>" (any options); an empty list: no options at all
    std::optional<std::vector<TcpOptionSpec>> options;
    uint16_t src_port = 0; // "SPORT>DPORT" before the flags; 0: the socket's
    uint16_t dst_port = 0;

    bool Flag(char f) const { return flags.find(f) != std::string::npos; }
};

// A system call argument or result (parser.y's expression)
struct Expr
{
    enum class Kind
    {
        Ellipsis, // ...
        Integer,  // 3, -1, 0x2
        Word,     // SOCK_STREAM, NULL
        String,   // "abc"
        List,     // [a, b]
        Braces,   // {a, b} and {name=value, ...}
        Binary,   // a | b, name = value
        Call,     // htons(8080), msg_iov(1), inet_addr("...")
    };
    Kind kind = Kind::Ellipsis;
    int64_t number = 0;
    std::string text; // word, string, call name, binary operator
    std::vector<Expr> items; // list/braces elements, call arguments, binary lhs and rhs
    int line = 0;
};

struct SyscallSpec
{
    std::string name;
    std::vector<Expr> args;
    std::optional<int64_t> end_us; // "...T": a blocking call that returns at T
    Expr result;
    std::string errno_name; // "EAGAIN" after the result, or empty
    std::string note;       // the text in parentheses after it
};

struct Event
{
    enum class Kind
    {
        Packet,
        Syscall,
        Command, // `shell command`
        Code,    // %{ python }%
    };
    Kind kind = Kind::Packet;
    int line = 0;
    TimeType time_type = TimeType::Absolute;
    int64_t time_us = 0;
    int64_t end_us = 0; // range end
    PacketSpec packet;
    SyscallSpec syscall;
    std::string text; // command line or code
};

// --name=value before the first event (packetdrill's command-line options)
struct ScriptOption
{
    std::string name;
    std::string value;
    int line = 0;
};

struct Script
{
    std::string path;
    std::vector<ScriptOption> options; // in order
    std::optional<std::string> init_command;    // `...` before the first event
    int init_command_line = 0;
    std::vector<Event> events;
    std::optional<std::string> cleanup_command; // `...` after the last event
    int cleanup_command_line = 0;
};

} // namespace sim::drill
