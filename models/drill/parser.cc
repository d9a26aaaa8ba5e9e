// SPDX-License-Identifier: GPL-2.0-only
#include "models/drill/parser.h"

#include "models/drill/lexer.h"

#include <cmath>
#include <fstream>
#include <sstream>

namespace sim::drill
{

namespace
{

using K = Token::Kind;

std::string
Show(const Token& t)
{
    switch (t.kind)
    {
    case K::End:
        return "end of file";
    case K::String:
        return "\"" + t.text + "\"";
    case K::BackQuoted:
        return "`...`";
    case K::Code:
        return "%{...}%";
    case K::Option:
        return "--" + t.text;
    default:
        return "'" + t.text + "'";
    }
}

// Bytes each TCP option takes on the wire (tcp_options.h TCPOLEN_*)
uint32_t
OptionBytes(const TcpOptionSpec& o)
{
    using OK = TcpOptionSpec::Kind;
    switch (o.kind)
    {
    case OK::Eol:
    case OK::Nop:
        return 1;
    case OK::Mss:
        return 4;
    case OK::Wscale:
        return 3;
    case OK::SackOk:
        return 2;
    case OK::Sack:
        return 2 + 8 * static_cast<uint32_t>(o.blocks.size());
    case OK::Timestamp:
        return 10;
    case OK::FastOpen:
        return 2 + static_cast<uint32_t>(o.cookie.size() / 2);
    case OK::FastOpenExp:
        return 4 + static_cast<uint32_t>(o.cookie.size() / 2);
    case OK::Md5:
        return 18;
    }
    return 0;
}

class Parser
{
  public:
    Parser(std::vector<Token> tokens, std::string path)
        : m_t(std::move(tokens)),
          m_path(std::move(path))
    {
    }

    Script Parse()
    {
        Script s;
        s.path = m_path;
        while (Peek().kind == K::Option)
        {
            s.options.push_back(ParseOption());
        }
        if (Peek().kind == K::BackQuoted)
        {
            s.init_command_line = Peek().line;
            s.init_command = Next().text;
        }
        while (Peek().kind != K::End)
        {
            if (Peek().kind == K::BackQuoted && !s.events.empty())
            {
                // parser.y's opt_cleanup_command: a command without a time ends the script
                s.cleanup_command_line = Peek().line;
                s.cleanup_command = Next().text;
                if (Peek().kind != K::End)
                {
                    Fail(Peek(), "syntax error at " + Show(Peek()) + ": an event after the cleanup command");
                }
                break;
            }
            s.events.push_back(ParseEvent());
        }
        if (s.events.empty())
        {
            Fail(Peek(), "syntax error: the script has no events");
        }
        return s;
    }

  private:
    const Token& Peek(size_t k = 0) const { return m_t[std::min(m_i + k, m_t.size() - 1)]; }
    Token Next()
    {
        Token t = Peek();
        if (m_i < m_t.size() - 1)
        {
            ++m_i;
        }
        return t;
    }
    // at the end of the file, the line of the last token (not the one after it)
    int LineOf(const Token& at) const
    {
        return at.kind == K::End && m_t.size() >= 2 ? m_t[m_t.size() - 2].line : at.line;
    }
    [[noreturn]] void Fail(const Token& at, const std::string& what) const { throw ScriptError(LineOf(at), what); }
    [[noreturn]] void Unsupported(const Token& at, const std::string& what) const
    {
        throw ScriptError(LineOf(at), what, true);
    }
    void Expect(char c)
    {
        if (!Peek().Is(c))
        {
            Fail(Peek(), std::string("syntax error at ") + Show(Peek()) + ": expected '" + c + "'");
        }
        Next();
    }
    int64_t ExpectInteger(const char* what)
    {
        if (Peek().kind != K::Integer)
        {
            Fail(Peek(), std::string("syntax error at ") + Show(Peek()) + ": expected " + what);
        }
        return Next().integer;
    }
    uint32_t U32(const char* what, const char* range_error)
    {
        const Token& at = Peek();
        const int64_t v = ExpectInteger(what);
        if (v < 0 || v > 0xffffffffLL)
        {
            Fail(at, range_error);
        }
        return static_cast<uint32_t>(v);
    }
    uint32_t U16(const char* what, const char* range_error)
    {
        const Token& at = Peek();
        const int64_t v = ExpectInteger(what);
        if (v < 0 || v > 0xffff)
        {
            Fail(at, range_error);
        }
        return static_cast<uint32_t>(v);
    }

    ScriptOption ParseOption()
    {
        const Token name = Next();
        if (!Peek().Is('='))
        {
            return {name.text, "", name.line};
        }
        Next();
        const Token v = Next();
        switch (v.kind)
        {
        case K::Integer:
        case K::Word:
        case K::String:
        case K::Ipv4:
            break;
        default:
            Fail(v, "syntax error at " + Show(v) + ": expected the value of --" + name.text);
        }
        std::string value = v.text;
        // an IPv6 address (fd::1, 2001:db8::2): lexer.l has a rule for them; here the
        // pieces are joined back where they follow on the same line
        while (Peek().line == v.line && (Peek().Is(':') || (!value.empty() && value.back() == ':' && (Peek().kind == K::Word ||
                                                                                      Peek().kind == K::Integer))))
        {
            value += Next().text;
        }
        if (v.kind == K::Word && Peek().Is('='))
        {
            // --define=NAME=VALUE
            Next();
            value += "=" + Next().text;
        }
        return {name.text, value, name.line};
    }

    // parser.y's time: a non-negative integer or float, in seconds
    int64_t ParseTime()
    {
        const Token t = Next();
        double secs = 0;
        if (t.kind == K::Integer && !t.hex)
        {
            secs = static_cast<double>(t.integer);
        }
        else if (t.kind == K::Float)
        {
            secs = t.floating;
        }
        else
        {
            Fail(t, "syntax error at " + Show(t) + ": expected a time");
        }
        if (secs < 0)
        {
            Fail(t, "negative time");
        }
        return std::llround(secs * 1e6);
    }

    Event ParseEvent()
    {
        Event e;
        if (Peek().Is('*'))
        {
            e.line = Next().line;
            e.time_type = TimeType::Any;
        }
        else if (Peek().Is('+'))
        {
            Next();
            e.line = Peek().line;
            e.time_us = ParseTime();
            e.time_type = TimeType::Relative;
            if (Peek().Is('~'))
            {
                Next();
                Expect('+');
                e.end_us = ParseTime();
                e.time_type = TimeType::RelativeRange;
            }
        }
        else if (Peek().kind == K::Integer || Peek().kind == K::Float)
        {
            e.line = Peek().line;
            e.time_us = ParseTime();
            e.time_type = TimeType::Absolute;
            if (Peek().Is('~'))
            {
                Next();
                e.end_us = ParseTime();
                e.time_type = TimeType::AbsoluteRange;
            }
        }
        else
        {
            Fail(Peek(), "syntax error at " + Show(Peek()) + ": expected an event time");
        }

        const Token& a = Peek();
        if (a.Is('<') || a.Is('>'))
        {
            e.kind = Event::Kind::Packet;
            e.packet = ParsePacket();
        }
        else if (a.kind == K::BackQuoted)
        {
            e.kind = Event::Kind::Command;
            e.text = Next().text;
        }
        else if (a.kind == K::Code)
        {
            e.kind = Event::Kind::Code;
            e.text = Next().text;
        }
        else if (a.kind == K::Ellipsis || (a.kind == K::Word && Peek(1).Is('(')))
        {
            e.kind = Event::Kind::Syscall;
            e.syscall = ParseSyscall();
        }
        else
        {
            Fail(a, "syntax error at " + Show(a));
        }

        // parser.y's event: ranges and '*' only for outbound packets
        const bool outbound = e.kind == Event::Kind::Packet && !e.packet.inbound;
        const bool range = e.time_type == TimeType::AbsoluteRange || e.time_type == TimeType::RelativeRange;
        if (range && e.end_us < e.time_us)
        {
            throw ScriptError(e.line, "time range is backwards");
        }
        if (e.time_type == TimeType::Any && !outbound)
        {
            throw ScriptError(e.line, "event time <star> can only be used with outbound packets");
        }
        if (range && !outbound)
        {
            throw ScriptError(e.line, "event time range can only be used with outbound packets");
        }
        return e;
    }

    PacketSpec ParsePacket()
    {
        PacketSpec p;
        const Token dir = Next();
        p.inbound = dir.Is('<');
        // IP header fields, encapsulations and other protocols (parser.y's opt_ip_info,
        // opt_encap, udp/icmp packets): not modelled
        static const char* const ip_fields[] = {"ect0", "ect1", "ect01", "noecn", "ce", "tos", "flowlabel",
                                                "ttl", "udp", "icmp", "GREv0", "gre", "mpls", "encap", "psp",
                                                "ipv4", "ipv6"};
        for (const char* w : ip_fields)
        {
            if (Peek().IsWord(w))
            {
                Unsupported(Peek(), std::string("packet field or protocol '") + w + "'");
            }
        }
        if (Peek().Is('['))
        {
            Unsupported(Peek(), "IP ECN field in brackets");
        }
        if (Peek().kind == K::Integer && Peek(1).Is('>'))
        {
            p.src_port = static_cast<uint16_t>(U16("a port", "src port out of range"));
            Next();
            p.dst_port = static_cast<uint16_t>(U16("a port", "dst port out of range"));
        }
        // flags: WORD ['.'] | '.' | '-'
        const Token f = Peek();
        if (f.kind == K::Word)
        {
            p.flags = Next().text;
            if (Peek().Is('.'))
            {
                Next();
                p.flags += ".";
            }
        }
        else if (f.Is('.'))
        {
            Next();
            p.flags = ".";
        }
        else if (f.Is('-'))
        {
            Next();
        }
        else if (f.kind == K::Float || f.kind == K::Integer)
        {
            Unsupported(f, "AccECN ACE flags");
        }
        else
        {
            Fail(f, "syntax error at " + Show(f) + ": expected TCP flags");
        }
        for (char c : p.flags)
        {
            // tcp_packet.c's valid_tcp_flags
            if (std::string(".FSRPEWAU01234567").find(c) == std::string::npos)
            {
                Fail(f, std::string("Invalid TCP flag: '") + c + "'");
            }
            if (c >= '0' && c <= '7')
            {
                Unsupported(f, "AccECN ACE flags");
            }
        }
        // seq: START:END(LEN)
        const Token seq_at = Peek();
        const uint32_t start = U32("a sequence number START:END(LEN)", "TCP start sequence number out of range");
        Expect(':');
        const uint32_t end = U32("a sequence number", "TCP end sequence number out of range");
        Expect('(');
        const uint32_t len = U16("a payload length", "TCP payload size out of range");
        Expect(')');
        if (static_cast<uint64_t>(end) != static_cast<uint64_t>(start) + len)
        {
            Fail(seq_at, "inconsistent TCP sequence numbers and payload size");
        }
        p.seq = start;
        p.len = len;
        if (Peek().IsWord("ack"))
        {
            Next();
            p.has_ack = true;
            p.ack = U32("an ACK number", "TCP ack sequence number out of range");
        }
        if (Peek().IsWord("win"))
        {
            Next();
            p.window = static_cast<int32_t>(U16("a window", "TCP window value out of range"));
        }
        if (Peek().IsWord("urg"))
        {
            Next();
            p.urg_ptr = static_cast<uint16_t>(U16("an urgent pointer", "urg_ptr value out of range"));
        }
        p.options = std::vector<TcpOptionSpec>{};
        if (Peek().Is('<'))
        {
            const Token open = Next();
            if (Peek().kind == K::Ellipsis)
            {
                Next();
                Expect('>');
                if (p.inbound)
                {
                    Fail(open, "<...> for TCP options can only be used with outbound packets");
                }
                p.options.reset();
            }
            else
            {
                uint32_t bytes = 0;
                while (true)
                {
                    p.options->push_back(ParseTcpOption());
                    bytes += OptionBytes(p.options->back());
                    if (!Peek().Is(','))
                    {
                        break;
                    }
                    Next();
                }
                Expect('>');
                if (bytes > 40)
                {
                    Fail(open, "TCP option list too long");
                }
                if (bytes % 4)
                {
                    Fail(open, "TCP options are not padded correctly to ensure TCP header is a multiple of 4 "
                               "bytes: " + std::to_string(bytes % 4) + " excess bytes");
                }
            }
        }
        if (p.window < 0 && p.inbound)
        {
            Fail(dir, "window must be specified for inbound packets");
        }
        return p;
    }

    TcpOptionSpec ParseTcpOption()
    {
        using OK = TcpOptionSpec::Kind;
        TcpOptionSpec o;
        const Token w = Next();
        if (w.kind != K::Word)
        {
            Fail(w, "syntax error at " + Show(w) + ": expected a TCP option");
        }
        if (w.text == "nop")
        {
            o.kind = OK::Nop;
        }
        else if (w.text == "eol")
        {
            o.kind = OK::Eol;
        }
        else if (w.text == "mss")
        {
            o.kind = OK::Mss;
            o.value = U16("an MSS", "mss value out of range");
        }
        else if (w.text == "wscale")
        {
            o.kind = OK::Wscale;
            const Token& at = Peek();
            o.value = U32("a window scale", "window scale shift count out of range");
            if (o.value > 255)
            {
                Fail(at, "window scale shift count out of range");
            }
        }
        else if (w.text == "sackOK")
        {
            o.kind = OK::SackOk;
        }
        else if (w.text == "sack")
        {
            o.kind = OK::Sack;
            do
            {
                const uint32_t l = U32("a SACK block LEFT:RIGHT", "TCP SACK left sequence number out of range");
                Expect(':');
                const uint32_t r = U32("a SACK block LEFT:RIGHT", "TCP SACK right sequence number out of range");
                o.blocks.emplace_back(l, r);
            } while (Peek().kind == K::Integer && Peek(1).Is(':'));
        }
        else if (w.text == "TS")
        {
            o.kind = OK::Timestamp;
            if (!Peek().IsWord("val"))
            {
                Fail(Peek(), "syntax error at " + Show(Peek()) + ": expected 'val'");
            }
            Next();
            o.value = U32("a TS value", "ts val out of range");
            if (!Peek().IsWord("ecr"))
            {
                Fail(Peek(), "syntax error at " + Show(Peek()) + ": expected 'ecr'");
            }
            Next();
            o.ecr = U32("a TS echo reply", "ecr val out of range");
        }
        else if (w.text == "FO" || w.text == "FOEXP")
        {
            o.kind = w.text == "FO" ? OK::FastOpen : OK::FastOpenExp;
            if (Peek().kind == K::Word || (Peek().kind == K::Integer && !Peek().hex))
            {
                o.cookie = Next().text;
            }
        }
        else if (w.text == "md5")
        {
            o.kind = OK::Md5;
            if (Peek().kind == K::Word || Peek().kind == K::Integer)
            {
                Next();
            }
        }
        else if (w.text == "ECN")
        {
            Unsupported(w, "AccECN TCP option");
        }
        else
        {
            Fail(w, "syntax error at " + Show(w) + ": unknown TCP option");
        }
        return o;
    }

    SyscallSpec ParseSyscall()
    {
        SyscallSpec s;
        if (Peek().kind == K::Ellipsis)
        {
            Next();
            s.end_us = ParseTime();
        }
        const Token name = Next();
        if (name.kind != K::Word)
        {
            Fail(name, "syntax error at " + Show(name) + ": expected a system call");
        }
        s.name = name.text;
        Expect('(');
        if (!Peek().Is(')'))
        {
            s.args = ParseExprList(')');
        }
        Expect(')');
        Expect('=');
        s.result = ParseExpr(false);
        if (Peek().kind == K::Word)
        {
            // opt_errno: WORD note
            s.errno_name = Next().text;
            if (!Peek().Is('('))
            {
                Fail(Peek(), "syntax error at " + Show(Peek()) + ": expected '(' and the error's text after " +
                                 s.errno_name);
            }
            s.note = ParseNote();
        }
        else if (Peek().Is('('))
        {
            s.note = ParseNote();
        }
        return s;
    }

    // '(' words ')', kept as text
    std::string ParseNote()
    {
        Expect('(');
        std::string text;
        while (!Peek().Is(')'))
        {
            if (Peek().kind == K::End)
            {
                Fail(Peek(), "syntax error: unterminated note in parentheses");
            }
            text += (text.empty() ? "" : " ") + Next().text;
        }
        Next();
        return text;
    }

    std::vector<Expr> ParseExprList(char close)
    {
        std::vector<Expr> out;
        while (true)
        {
            out.push_back(ParseExpr(true));
            if (!Peek().Is(','))
            {
                break;
            }
            Next();
        }
        if (!Peek().Is(close))
        {
            Fail(Peek(), std::string("syntax error at ") + Show(Peek()) + ": expected ',' or '" + close + "'");
        }
        return out;
    }

    // expression: primary ['=' expression] ( '|' ... )*
    Expr ParseExpr(bool allow_call)
    {
        Expr lhs = ParseAssign(allow_call);
        while (Peek().Is('|'))
        {
            const int line = Next().line;
            Expr bin;
            bin.kind = Expr::Kind::Binary;
            bin.text = "|";
            bin.line = line;
            bin.items.push_back(std::move(lhs));
            bin.items.push_back(ParseAssign(allow_call));
            lhs = std::move(bin);
        }
        return lhs;
    }

    Expr ParseAssign(bool allow_call)
    {
        Expr e = ParsePrimary(allow_call);
        if ((e.kind == Expr::Kind::Word || e.kind == Expr::Kind::Call) && Peek().Is('='))
        {
            const int line = Next().line;
            Expr bin;
            bin.kind = Expr::Kind::Binary;
            bin.text = "=";
            bin.line = line;
            bin.items.push_back(std::move(e));
            bin.items.push_back(ParseExpr(true));
            return bin;
        }
        return e;
    }

    Expr ParsePrimary(bool allow_call)
    {
        Expr e;
        const Token t = Next();
        e.line = t.line;
        switch (t.kind)
        {
        case K::Ellipsis:
            e.kind = Expr::Kind::Ellipsis;
            return e;
        case K::Integer:
            e.kind = Expr::Kind::Integer;
            e.number = t.integer;
            e.text = t.text;
            return e;
        case K::Word:
            if (allow_call && Peek().Is('('))
            {
                Next();
                e.kind = Expr::Kind::Call;
                e.text = t.text;
                if (!Peek().Is(')'))
                {
                    e.items = ParseExprList(')');
                }
                Expect(')');
                return e;
            }
            e.kind = Expr::Kind::Word;
            e.text = t.text;
            return e;
        case K::String:
            e.kind = Expr::Kind::String;
            e.text = t.text;
            while (Peek().kind == K::String) // string concatenation
            {
                e.text += Next().text;
            }
            if (Peek().kind == K::Ellipsis)
            {
                Next();
            }
            return e;
        case K::Punct:
            if (t.Is('[') || t.Is('{'))
            {
                const char close = t.Is('[') ? ']' : '}';
                e.kind = t.Is('[') ? Expr::Kind::List : Expr::Kind::Braces;
                if (!Peek().Is(close))
                {
                    e.items = ParseExprList(close);
                }
                Expect(close);
                return e;
            }
            break;
        default:
            break;
        }
        Fail(t, "syntax error at " + Show(t) + ": expected an expression");
    }

    std::vector<Token> m_t;
    size_t m_i = 0;
    std::string m_path;
};

} // namespace

Script
ParseScript(const std::string& text, const std::string& path)
{
    Parser p(Lex(text), path);
    return p.Parse();
}

Script
ParseScriptFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        throw ScriptError(0, "cannot read the script");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return ParseScript(text.str(), path);
}

} // namespace sim::drill
