package redact

// entity returns the character of the named reference &name; as HTML
// encoders write it: the Latin-1 names, and those of [named]. Arrays, not a
// map, so nothing is built at start-up.
func entity(name string) (rune, bool) {
	for _, n := range named {
		if n.name == name {
			return n.r, true
		}
	}
	for i, n := range latin1 {
		if n == name {
			return rune(0xA0 + i), true
		}
	}
	return 0, false
}

// named are the other names read: the five of XML and the upper-case legacy
// spellings, HTML5's names of ASCII punctuation (&plus; &sol; &equals;
// ...), and the Windows-1252 extras PHP's htmlentities writes.
var named = [...]struct {
	name string
	r    rune
}{
	{"amp", '&'}, {"AMP", '&'}, {"lt", '<'}, {"LT", '<'}, {"gt", '>'}, {"GT", '>'},
	{"quot", '"'}, {"QUOT", '"'}, {"apos", '\''}, {"excl", '!'}, {"num", '#'},
	{"dollar", '$'}, {"percnt", '%'}, {"lpar", '('}, {"rpar", ')'}, {"ast", '*'},
	{"midast", '*'}, {"plus", '+'}, {"comma", ','}, {"period", '.'}, {"sol", '/'},
	{"colon", ':'}, {"semi", ';'}, {"equals", '='}, {"quest", '?'}, {"commat", '@'},
	{"lsqb", '['}, {"lbrack", '['}, {"bsol", '\\'}, {"rsqb", ']'}, {"rbrack", ']'},
	{"Hat", '^'}, {"lowbar", '_'}, {"UnderBar", '_'}, {"grave", '`'},
	{"DiacriticalGrave", '`'}, {"lcub", '{'}, {"lbrace", '{'}, {"verbar", '|'},
	{"vert", '|'}, {"VerticalLine", '|'}, {"rcub", '}'}, {"rbrace", '}'}, {"Tab", '\t'},
	{"NewLine", '\n'}, {"NonBreakingSpace", '\u00a0'}, {"OElig", 'Œ'}, {"oelig", 'œ'},
	{"Scaron", 'Š'}, {"scaron", 'š'}, {"Yuml", 'Ÿ'}, {"fnof", 'ƒ'}, {"circ", 'ˆ'},
	{"tilde", '˜'}, {"ndash", '–'}, {"mdash", '—'}, {"lsquo", '‘'}, {"rsquo", '’'},
	{"sbquo", '‚'}, {"ldquo", '“'}, {"rdquo", '”'}, {"bdquo", '„'}, {"dagger", '†'},
	{"Dagger", '‡'}, {"bull", '•'}, {"hellip", '…'}, {"permil", '‰'}, {"lsaquo", '‹'},
	{"rsaquo", '›'}, {"euro", '€'}, {"trade", '™'},
}

// latin1 are the names of U+00A0 to U+00FF.
var latin1 = [96]string{
	"nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect",
	"uml", "copy", "ordf", "laquo", "not", "shy", "reg", "macr",
	"deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot",
	"cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
	"Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil",
	"Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml",
	"ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times",
	"Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig",
	"agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
	"egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml",
	"eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide",
	"oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
}
