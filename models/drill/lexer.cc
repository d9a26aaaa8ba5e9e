// SPDX-License-Identifier: GPL-2.0-only
#include "models/drill/lexer.h"

#include "models/drill/script.h"

#include <cctype>
#include <cstdlib>

namespace sim::drill
{

namespace
{

bool
IsWordChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

bool
IsDigit(char c)
{
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

// Lengths of what each number-like rule of lexer.l would match at `p` (0: none)
size_t
FloatLen(const std::string& s, size_t p) // [-]?[0-9]*[.][0-9]+
{
    size_t i = p;
    if (i < s.size() && s[i] == '-')
    {
        ++i;
    }
    while (i < s.size() && IsDigit(s[i]))
    {
        ++i;
    }
    if (i >= s.size() || s[i] != '.')
    {
        return 0;
    }
    ++i;
    const size_t frac = i;
    while (i < s.size() && IsDigit(s[i]))
    {
        ++i;
    }
    return i > frac ? i - p : 0;
}

size_t
IntLen(const std::string& s, size_t p) // [-]?[0-9]+
{
    size_t i = p;
    if (i < s.size() && s[i] == '-')
    {
        ++i;
    }
    const size_t digits = i;
    while (i < s.size() && IsDigit(s[i]))
    {
        ++i;
    }
    return i > digits ? i - p : 0;
}

size_t
HexLen(const std::string& s, size_t p) // 0x[0-9a-fA-F]+
{
    if (s.compare(p, 2, "0x") != 0)
    {
        return 0;
    }
    size_t i = p + 2;
    while (i < s.size() && std::isxdigit(static_cast<unsigned char>(s[i])))
    {
        ++i;
    }
    return i > p + 2 ? i - p : 0;
}

size_t
WordLen(const std::string& s, size_t p)
{
    size_t i = p;
    while (i < s.size() && IsWordChar(s[i]))
    {
        ++i;
    }
    return i - p;
}

size_t
Ipv4Len(const std::string& s, size_t p) // [0-9]+ ( [.][0-9]+ ){3}
{
    size_t i = p;
    for (int group = 0; group < 4; ++group)
    {
        if (group > 0)
        {
            if (i >= s.size() || s[i] != '.')
            {
                return 0;
            }
            ++i;
        }
        const size_t start = i;
        while (i < s.size() && IsDigit(s[i]))
        {
            ++i;
        }
        if (i == start)
        {
            return 0;
        }
    }
    return i - p;
}

// Text between `open` at p and the next `close`; advances p past it
std::string
Delimited(const std::string& s, size_t& p, int& line, const std::string& open, const std::string& close,
          const char* what, bool escapes)
{
    const int start_line = line;
    size_t i = p + open.size();
    while (i < s.size())
    {
        if (escapes && s[i] == '\\' && i + 1 < s.size())
        {
            line += s[i + 1] == '\n';
            i += 2;
            continue;
        }
        if (s.compare(i, close.size(), close) == 0)
        {
            std::string body = s.substr(p + open.size(), i - p - open.size());
            p = i + close.size();
            return body;
        }
        line += s[i] == '\n';
        ++i;
    }
    throw ScriptError(start_line, std::string("unterminated ") + what);
}

} // namespace

std::vector<Token>
Lex(const std::string& s)
{
    std::vector<Token> out;
    int line = 1;
    size_t p = 0;
    while (p < s.size())
    {
        const char c = s[p];
        if (c == '\n')
        {
            ++line;
            ++p;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r')
        {
            ++p;
            continue;
        }
        if (s.compare(p, 2, "//") == 0)
        {
            while (p < s.size() && s[p] != '\n')
            {
                ++p;
            }
            continue;
        }
        if (s.compare(p, 2, "/*") == 0)
        {
            Delimited(s, p, line, "/*", "*/", "comment", false);
            continue;
        }
        Token t;
        t.line = line;
        if (s.compare(p, 2, "%{") == 0)
        {
            // lexer.l's code(): spaces and tabs trimmed at both ends
            std::string body = Delimited(s, p, line, "%{", "}%", "code snippet %{ ... }%", false);
            const size_t b = body.find_first_not_of(" \t");
            const size_t e = body.find_last_not_of(" \t");
            t.kind = Token::Kind::Code;
            t.text = b == std::string::npos ? "" : body.substr(b, e - b + 1);
            out.push_back(std::move(t));
            continue;
        }
        if (c == '"')
        {
            t.kind = Token::Kind::String;
            t.text = Delimited(s, p, line, "\"", "\"", "string", true);
            out.push_back(std::move(t));
            continue;
        }
        if (c == '`')
        {
            t.kind = Token::Kind::BackQuoted;
            t.text = Delimited(s, p, line, "`", "`", "backquoted command", true);
            out.push_back(std::move(t));
            continue;
        }
        if (s.compare(p, 3, "...") == 0)
        {
            t.kind = Token::Kind::Ellipsis;
            t.text = "...";
            p += 3;
            out.push_back(std::move(t));
            continue;
        }
        if (s.compare(p, 2, "--") == 0 && p + 2 < s.size() && IsWordChar(s[p + 2]))
        {
            t.kind = Token::Kind::Option;
            p += 2;
            const size_t n = WordLen(s, p);
            t.text = s.substr(p, n);
            p += n;
            out.push_back(std::move(t));
            continue;
        }
        // the longest of float, integer, hex, word, IPv4 address; ties go to the
        // earlier rule of lexer.l (float, integer, hex, word)
        const size_t fl = FloatLen(s, p);
        const size_t il = IntLen(s, p);
        const size_t hl = HexLen(s, p);
        const size_t wl = WordLen(s, p);
        const size_t al = Ipv4Len(s, p);
        const size_t best = std::max({fl, il, hl, wl, al});
        if (best > 0)
        {
            t.text = s.substr(p, best);
            if (al == best && al > fl)
            {
                t.kind = Token::Kind::Ipv4;
            }
            else if (fl == best)
            {
                t.kind = Token::Kind::Float;
                t.floating = std::strtod(t.text.c_str(), nullptr);
            }
            else if (il == best)
            {
                t.kind = Token::Kind::Integer;
                t.integer = std::strtoll(t.text.c_str(), nullptr, 10);
            }
            else if (hl == best)
            {
                t.kind = Token::Kind::Integer;
                t.hex = true;
                t.integer = static_cast<int64_t>(std::strtoull(t.text.c_str() + 2, nullptr, 16));
            }
            else
            {
                t.kind = Token::Kind::Word;
            }
            p += best;
            out.push_back(std::move(t));
            continue;
        }
        t.kind = Token::Kind::Punct;
        t.text = std::string(1, c);
        ++p;
        out.push_back(std::move(t));
    }
    Token end;
    end.line = line;
    out.push_back(end);
    return out;
}

} // namespace sim::drill
