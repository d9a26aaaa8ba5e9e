// SPDX-License-Identifier: GPL-2.0-only
#include "models/drill/code-snippet.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace sim::drill
{

std::string
PyValue::Str() const
{
    switch (kind)
    {
    case Kind::Int:
        return std::to_string(i);
    case Kind::Float:
        return fmt::format("{}", f);
    case Kind::Str:
        return s;
    case Kind::Tuple: {
        std::string out = "(";
        for (size_t k = 0; k < items.size(); ++k)
        {
            out += (k ? ", " : "") + (items[k].kind == Kind::Str ? "'" + items[k].s + "'" : items[k].Str());
        }
        return out + (items.size() == 1 ? ",)" : ")");
    }
    case Kind::None:
        return "None";
    }
    return "";
}

bool
PyValue::Truthy() const
{
    switch (kind)
    {
    case Kind::Int:
        return i != 0;
    case Kind::Float:
        return f != 0;
    case Kind::Str:
        return !s.empty();
    case Kind::Tuple:
        return !items.empty();
    case Kind::None:
        return false;
    }
    return false;
}

namespace
{

struct PyTok
{
    enum class K
    {
        Name,
        Num,
        Str,
        Op,
        Newline,
        End,
    };
    K k = K::End;
    std::string text;
    PyValue num;
};

std::vector<PyTok>
Tokenize(const std::string& src)
{
    std::vector<PyTok> out;
    int depth = 0; // inside brackets newlines do not end a statement
    size_t p = 0;
    while (p < src.size())
    {
        const char c = src[p];
        if (c == '\\' && p + 1 < src.size() && src[p + 1] == '\n')
        {
            p += 2;
            continue;
        }
        if (c == '#')
        {
            while (p < src.size() && src[p] != '\n')
            {
                ++p;
            }
            continue;
        }
        if (c == '\n' || c == ';')
        {
            if (depth == 0 || c == ';')
            {
                out.push_back({PyTok::K::Newline, std::string(1, c), {}});
            }
            ++p;
            continue;
        }
        if (std::isspace(static_cast<unsigned char>(c)))
        {
            ++p;
            continue;
        }
        PyTok t;
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_')
        {
            size_t e = p;
            while (e < src.size() && (std::isalnum(static_cast<unsigned char>(src[e])) || src[e] == '_'))
            {
                ++e;
            }
            t.k = PyTok::K::Name;
            t.text = src.substr(p, e - p);
            p = e;
        }
        else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 (c == '.' && p + 1 < src.size() && std::isdigit(static_cast<unsigned char>(src[p + 1]))))
        {
            char* end = nullptr;
            t.k = PyTok::K::Num;
            if (src.compare(p, 2, "0x") == 0 || src.compare(p, 2, "0X") == 0)
            {
                t.num = PyValue::Int(static_cast<int64_t>(std::strtoull(src.c_str() + p, &end, 16)));
            }
            else
            {
                const long long iv = std::strtoll(src.c_str() + p, &end, 10);
                if (*end == '.' || *end == 'e' || *end == 'E')
                {
                    t.num.kind = PyValue::Kind::Float;
                    t.num.f = std::strtod(src.c_str() + p, &end);
                }
                else
                {
                    t.num = PyValue::Int(iv);
                }
            }
            t.text = src.substr(p, static_cast<size_t>(end - (src.c_str() + p)));
            p = static_cast<size_t>(end - src.c_str());
        }
        else if (c == '\'' || c == '"')
        {
            size_t e = p + 1;
            std::string s;
            while (e < src.size() && src[e] != c)
            {
                if (src[e] == '\\' && e + 1 < src.size())
                {
                    ++e;
                    s += src[e] == 'n' ? '\n' : src[e];
                }
                else
                {
                    s += src[e];
                }
                ++e;
            }
            if (e >= src.size())
            {
                throw PyError("SyntaxError: unterminated string literal");
            }
            t.k = PyTok::K::Str;
            t.text = s;
            p = e + 1;
        }
        else
        {
            static const char* const ops[] = {"//", "==", "!=", "<=", ">=", "+=", "-=", "**", "<", ">", "+", "-",
                                              "*",  "/",  "%",  "(",  ")",  ",",  "=",  "[", "]", "{", "}", ":"};
            for (const char* op : ops)
            {
                if (src.compare(p, std::char_traits<char>::length(op), op) == 0)
                {
                    t.k = PyTok::K::Op;
                    t.text = op;
                    break;
                }
            }
            if (t.k != PyTok::K::Op)
            {
                throw PyUnsupported(fmt::format("Python code: character '{}'", c));
            }
            depth += (t.text == "(" || t.text == "[" || t.text == "{") ? 1 : 0;
            depth -= (t.text == ")" || t.text == "]" || t.text == "}") ? 1 : 0;
            p += t.text.size();
        }
        out.push_back(std::move(t));
    }
    out.push_back({PyTok::K::Newline, "", {}});
    out.push_back({PyTok::K::End, "", {}});
    return out;
}

double
AsDouble(const PyValue& v)
{
    return v.kind == PyValue::Kind::Float ? v.f : static_cast<double>(v.i);
}

bool
IsNum(const PyValue& v)
{
    return v.kind == PyValue::Kind::Int || v.kind == PyValue::Kind::Float;
}

// printf-style formatting of `fmt % args` (Python's old string formatting)
PyValue
Format(const std::string& f, const PyValue& args)
{
    std::vector<PyValue> list = args.kind == PyValue::Kind::Tuple ? args.items : std::vector<PyValue>{args};
    std::string out;
    size_t next = 0;
    for (size_t i = 0; i < f.size(); ++i)
    {
        if (f[i] != '%')
        {
            out += f[i];
            continue;
        }
        if (i + 1 < f.size() && f[i + 1] == '%')
        {
            out += '%';
            ++i;
            continue;
        }
        size_t j = i + 1;
        while (j < f.size() && (std::isdigit(static_cast<unsigned char>(f[j])) || f[j] == '-' || f[j] == '.'))
        {
            ++j;
        }
        if (j >= f.size() || next >= list.size())
        {
            throw PyError("TypeError: not enough arguments for format string");
        }
        const PyValue& v = list[next++];
        switch (f[j])
        {
        case 'd':
        case 'i':
        case 'u':
            out += IsNum(v) ? std::to_string(static_cast<int64_t>(AsDouble(v))) : v.Str();
            break;
        case 'x':
            out += fmt::format("{:x}", static_cast<int64_t>(AsDouble(v)));
            break;
        default:
            out += v.Str();
            break;
        }
        i = j;
    }
    if (next < list.size())
    {
        throw PyError("TypeError: not all arguments converted during string formatting");
    }
    PyValue r;
    r.kind = PyValue::Kind::Str;
    r.s = out;
    return r;
}

class Interp
{
  public:
    Interp(std::vector<PyTok> toks, PyVars& vars, std::string& printed)
        : m_t(std::move(toks)),
          m_vars(vars),
          m_printed(printed)
    {
    }

    void Run()
    {
        while (Peek().k != PyTok::K::End)
        {
            if (Peek().k == PyTok::K::Newline)
            {
                Next();
                continue;
            }
            Statement();
            if (Peek().k != PyTok::K::Newline)
            {
                throw PyUnsupported("Python code: '" + Peek().text + "' after a statement");
            }
        }
    }

  private:
    const PyTok& Peek(size_t k = 0) const { return m_t[std::min(m_i + k, m_t.size() - 1)]; }
    PyTok Next() { return m_t[std::min(m_i++, m_t.size() - 1)]; }
    bool IsOp(const char* op, size_t k = 0) const { return Peek(k).k == PyTok::K::Op && Peek(k).text == op; }
    void ExpectOp(const char* op)
    {
        if (!IsOp(op))
        {
            throw PyError(std::string("SyntaxError: expected '") + op + "'");
        }
        Next();
    }

    void Statement()
    {
        const PyTok& t = Peek();
        if (t.k == PyTok::K::Name && t.text == "assert")
        {
            Next();
            const PyValue cond = Expr();
            PyValue msg;
            bool has_msg = false;
            if (IsOp(","))
            {
                Next();
                msg = Expr();
                has_msg = true;
            }
            if (!cond.Truthy())
            {
                throw PyError(has_msg ? "AssertionError: " + msg.Str() : "AssertionError");
            }
            return;
        }
        if (t.k == PyTok::K::Name && t.text == "pass")
        {
            Next();
            return;
        }
        if (t.k == PyTok::K::Name && (IsOp("=", 1) || IsOp("+=", 1) || IsOp("-=", 1)))
        {
            const std::string name = Next().text;
            const std::string op = Next().text;
            const PyValue v = Expr();
            if (op == "=")
            {
                m_vars[name] = v;
                return;
            }
            const PyValue old = Lookup(name);
            m_vars[name] = Arith(op == "+=" ? "+" : "-", old, v);
            return;
        }
        Expr(); // an expression statement: print(...)
    }

    PyValue Lookup(const std::string& name) const
    {
        if (auto it = m_vars.find(name); it != m_vars.end())
        {
            return it->second;
        }
        if (name.compare(0, 5, "tcpi_") == 0)
        {
            throw PyUnsupported("tcp_info field " + name + " is not modelled");
        }
        throw PyError("NameError: name '" + name + "' is not defined");
    }

    // (a bare tuple without parentheses is not in the subset)
    PyValue Expr() { return OrTest(); }

    PyValue OrTest()
    {
        PyValue v = AndTest();
        while (Peek().k == PyTok::K::Name && Peek().text == "or")
        {
            Next();
            const PyValue r = AndTest();
            v = v.Truthy() ? v : r;
        }
        return v;
    }
    PyValue AndTest()
    {
        PyValue v = NotTest();
        while (Peek().k == PyTok::K::Name && Peek().text == "and")
        {
            Next();
            const PyValue r = NotTest();
            v = v.Truthy() ? r : v;
        }
        return v;
    }
    PyValue NotTest()
    {
        if (Peek().k == PyTok::K::Name && Peek().text == "not")
        {
            Next();
            return PyValue::Int(!NotTest().Truthy());
        }
        return Comparison();
    }
    static bool Compare(const std::string& op, const PyValue& a, const PyValue& b)
    {
        if (IsNum(a) && IsNum(b))
        {
            const double x = AsDouble(a);
            const double y = AsDouble(b);
            return op == "==" ? x == y : op == "!=" ? x != y : op == "<" ? x < y : op == "<=" ? x <= y
                                                                      : op == ">" ? x > y
                                                                                  : x >= y;
        }
        if (a.kind == PyValue::Kind::Str && b.kind == PyValue::Kind::Str)
        {
            return op == "==" ? a.s == b.s : op == "!=" ? a.s != b.s : op == "<" ? a.s < b.s : op == "<=" ? a.s <= b.s
                                                                                      : op == ">" ? a.s > b.s
                                                                                                  : a.s >= b.s;
        }
        if (op == "==" || op == "!=")
        {
            return (op == "==") == (a.Str() == b.Str() && a.kind == b.kind);
        }
        throw PyError("TypeError: '" + op + "' not supported between these types");
    }
    PyValue Comparison()
    {
        PyValue left = Sum();
        bool result = true;
        bool any = false;
        static const char* const ops[] = {"==", "!=", "<=", ">=", "<", ">"};
        while (true)
        {
            const char* found = nullptr;
            for (const char* op : ops)
            {
                if (IsOp(op))
                {
                    found = op;
                }
            }
            if (!found)
            {
                break;
            }
            Next();
            const PyValue right = Sum();
            result = result && Compare(found, left, right);
            left = right;
            any = true;
        }
        return any ? PyValue::Int(result) : left;
    }
    PyValue Arith(const std::string& op, const PyValue& a, const PyValue& b)
    {
        if (op == "%" && a.kind == PyValue::Kind::Str)
        {
            return Format(a.s, b);
        }
        if (op == "+" && a.kind == PyValue::Kind::Str && b.kind == PyValue::Kind::Str)
        {
            PyValue r = a;
            r.s += b.s;
            return r;
        }
        if (!IsNum(a) || !IsNum(b))
        {
            throw PyError("TypeError: unsupported operand type(s) for " + op);
        }
        const bool ints = a.kind == PyValue::Kind::Int && b.kind == PyValue::Kind::Int;
        if (ints && op != "/")
        {
            if ((op == "//" || op == "%") && b.i == 0)
            {
                throw PyError("ZeroDivisionError: integer division or modulo by zero");
            }
            if (op == "+")
                return PyValue::Int(a.i + b.i);
            if (op == "-")
                return PyValue::Int(a.i - b.i);
            if (op == "*")
                return PyValue::Int(a.i * b.i);
            // Python floors
            const int64_t q = a.i / b.i - ((a.i % b.i != 0) && ((a.i < 0) != (b.i < 0)) ? 1 : 0);
            return PyValue::Int(op == "//" ? q : a.i - q * b.i);
        }
        PyValue r;
        r.kind = PyValue::Kind::Float;
        const double x = AsDouble(a);
        const double y = AsDouble(b);
        if ((op == "/" || op == "//" || op == "%") && y == 0)
        {
            throw PyError("ZeroDivisionError: division by zero");
        }
        r.f = op == "+" ? x + y : op == "-" ? x - y : op == "*" ? x * y : op == "/" ? x / y : op == "//" ? std::floor(x / y)
                                                                                                      : std::fmod(x, y);
        return r;
    }
    PyValue Sum()
    {
        PyValue v = Term();
        while (IsOp("+") || IsOp("-"))
        {
            const std::string op = Next().text;
            v = Arith(op, v, Term());
        }
        return v;
    }
    PyValue Term()
    {
        PyValue v = Factor();
        while (IsOp("*") || IsOp("/") || IsOp("//") || IsOp("%"))
        {
            const std::string op = Next().text;
            v = Arith(op, v, Factor());
        }
        return v;
    }
    PyValue Factor()
    {
        if (IsOp("-"))
        {
            Next();
            return Arith("-", PyValue::Int(0), Factor());
        }
        if (IsOp("+"))
        {
            Next();
            return Factor();
        }
        return Atom();
    }
    PyValue Atom()
    {
        const PyTok t = Next();
        switch (t.k)
        {
        case PyTok::K::Num:
            return t.num;
        case PyTok::K::Str: {
            PyValue v;
            v.kind = PyValue::Kind::Str;
            v.s = t.text;
            while (Peek().k == PyTok::K::Str) // adjacent literals concatenate
            {
                v.s += Next().text;
            }
            return v;
        }
        case PyTok::K::Name:
            if (IsOp("("))
            {
                return Call(t.text);
            }
            if (t.text == "True" || t.text == "False")
            {
                return PyValue::Int(t.text == "True");
            }
            if (t.text == "None")
            {
                return PyValue{};
            }
            return Lookup(t.text);
        case PyTok::K::Op:
            if (t.text == "(")
            {
                PyValue first = OrTest();
                if (IsOp(")"))
                {
                    Next();
                    return first;
                }
                PyValue tup;
                tup.kind = PyValue::Kind::Tuple;
                tup.items.push_back(first);
                while (IsOp(","))
                {
                    Next();
                    if (IsOp(")"))
                    {
                        break;
                    }
                    tup.items.push_back(OrTest());
                }
                ExpectOp(")");
                return tup;
            }
            break;
        default:
            break;
        }
        throw PyUnsupported("Python code: '" + t.text + "'");
    }
    PyValue Call(const std::string& name)
    {
        ExpectOp("(");
        std::vector<PyValue> args;
        while (!IsOp(")"))
        {
            args.push_back(OrTest());
            if (!IsOp(","))
            {
                break;
            }
            Next();
        }
        ExpectOp(")");
        if (name == "print")
        {
            for (size_t k = 0; k < args.size(); ++k)
            {
                m_printed += (k ? " " : "") + args[k].Str();
            }
            m_printed += "\n";
            return PyValue{};
        }
        if ((name == "abs" || name == "int") && args.size() == 1 && IsNum(args[0]))
        {
            if (name == "int")
            {
                return PyValue::Int(static_cast<int64_t>(AsDouble(args[0])));
            }
            return args[0].kind == PyValue::Kind::Int ? PyValue::Int(std::llabs(args[0].i)) : Arith("*", args[0], PyValue::Int(AsDouble(args[0]) < 0 ? -1 : 1));
        }
        if ((name == "min" || name == "max") && !args.empty())
        {
            PyValue best = args[0];
            for (const PyValue& a : args)
            {
                if (Compare(name == "min" ? "<" : ">", a, best))
                {
                    best = a;
                }
            }
            return best;
        }
        if (name == "str" && args.size() == 1)
        {
            PyValue v;
            v.kind = PyValue::Kind::Str;
            v.s = args[0].Str();
            return v;
        }
        throw PyUnsupported("Python function " + name + "()");
    }

    std::vector<PyTok> m_t;
    size_t m_i = 0;
    PyVars& m_vars;
    std::string& m_printed;
};

} // namespace

void
RunSnippet(const std::string& code, PyVars& vars, std::string& printed)
{
    Interp(Tokenize(code), vars, printed).Run();
}

} // namespace sim::drill
