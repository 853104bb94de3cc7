namespace Agents.Core.Answers;

/// <summary>
/// The character-level primitives shared by the LaTeX readers (<see cref="MathParser"/>'s expression trees and
/// <see cref="LatexEvaluator"/>'s numeric evaluation): a position over the text, one-character and literal matches that
/// consume only on success, macro names, and the spacing and sizing macros that carry no meaning.
/// </summary>
/// <param name="text">The text read.</param>
internal abstract class LatexScanner(string text)
{
    /// <summary>Spacing and sizing macros skipped between tokens.</summary>
    private static readonly HashSet<string> Ignorable = new(StringComparer.Ordinal)
    {
        "left", "right", "!", ",", ";", ":", " ", "displaystyle", "big", "Big", "bigg", "Bigg", "quad", "qquad",
    };

#pragma warning disable SA1401, CA1051 // The readers advance and rewind the position in their own grammar rules.
    /// <summary>The text read.</summary>
    protected readonly string _s = text;

    /// <summary>The index of the next character.</summary>
    protected int _pos;
#pragma warning restore SA1401, CA1051

    /// <summary>True when every character has been read.</summary>
    protected bool AtEnd() => _pos >= _s.Length;

    /// <summary>The character <paramref name="offset"/> ahead, or <c>'\0'</c> past the end.</summary>
    protected char Peek(int offset = 0) => _pos + offset < _s.Length ? _s[_pos + offset] : '\0';

    /// <summary>Consumes <paramref name="c"/> when it is next.</summary>
    protected bool Eat(char c)
    {
        if (Peek() != c)
        {
            return false;
        }

        _pos++;
        return true;
    }

    /// <summary>Consumes <paramref name="literal"/> when it is next.</summary>
    protected bool EatText(string literal)
    {
        if (string.CompareOrdinal(_s, _pos, literal, 0, literal.Length) != 0)
        {
            return false;
        }

        _pos += literal.Length;
        return true;
    }

    /// <summary>Consumes the macro <c>\name</c> when it is next.</summary>
    protected bool EatMacro(string name)
    {
        var save = _pos;
        if (ReadMacro() == name)
        {
            return true;
        }

        _pos = save;
        return false;
    }

    /// <summary>Reads a macro's name after its backslash (letters, or one symbol such as <c>\,</c>); "" when none is next.</summary>
    protected string ReadMacro()
    {
        if (Peek() != '\\')
        {
            return "";
        }

        var start = ++_pos;
        while (_pos < _s.Length && char.IsAsciiLetter(_s[_pos]))
        {
            _pos++;
        }

        if (_pos == start && _pos < _s.Length)
        {
            _pos++; // a one-symbol macro such as \, or \!
        }

        return _s[start.._pos];
    }

    /// <summary>Skips white space, <c>~</c>, and spacing or sizing macros (with the <c>.</c> of <c>\left.</c>).</summary>
    protected void SkipIgnorable()
    {
        while (_pos < _s.Length)
        {
            var c = _s[_pos];
            if (char.IsWhiteSpace(c) || c == '~')
            {
                _pos++;
                continue;
            }

            if (c != '\\')
            {
                return;
            }

            var save = _pos;
            var name = ReadMacro();
            if (Ignorable.Contains(name))
            {
                if (name is "left" or "right" && Peek() == '.')
                {
                    _pos++;
                }

                continue;
            }

            _pos = save;
            return;
        }
    }
}
