// SPDX-License-Identifier: GPL-2.0-only
// Tokens of the packetdrill language, after its lexer.l: numbers (a leading '-' binds
// to the digits, "0.5" and ".5" are floats, "0x1f" hex), words, "strings",
// `shell commands`, %{ code }%, --options, "...", dotted IPv4 addresses and single
// punctuation characters; // and /* */ comments and white space are dropped. Where
// two rules match, the longest text wins, as in flex.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sim::drill
{

struct Token
{
    enum class Kind
    {
        Integer, // decimal or hex
        Float,
        Word,
        String,     // "..." without the quotes
        BackQuoted, // `...` without the backquotes
        Code,       // %{ ... }% without the delimiters, trimmed of spaces and tabs
        Option,     // --name, without the dashes
        Ellipsis,   // ...
        Ipv4,       // 192.0.2.1
        Punct,      // one character: + * ~ < > . - : ( ) [ ] { } , = |
        End,
    };
    Kind kind = Kind::End;
    std::string text;
    int64_t integer = 0;
    double floating = 0;
    bool hex = false;
    int line = 1;

    bool Is(char c) const { return kind == Kind::Punct && text.size() == 1 && text[0] == c; }
    bool IsWord(const char* w) const { return kind == Kind::Word && text == w; }
};

// Throws ScriptError (script.h) for an unterminated comment, string or snippet
std::vector<Token> Lex(const std::string& text);

} // namespace sim::drill
