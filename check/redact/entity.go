package redact

// entity returns the character of the named reference &name; as HTML
// encoders write it: the five of XML (and the upper-case legacy spellings),
// the Latin-1 names and the Windows-1252 extras that PHP's htmlentities
// writes. A switch and an array, not a map, so nothing is built at start-up.
func entity(name string) (rune, bool) {
	switch name {
	case "amp", "AMP":
		return '&', true
	case "lt", "LT":
		return '<', true
	case "gt", "GT":
		return '>', true
	case "quot", "QUOT":
		return '"', true
	case "apos":
		return '\'', true
	case "OElig":
		return 'Œ', true
	case "oelig":
		return 'œ', true
	case "Scaron":
		return 'Š', true
	case "scaron":
		return 'š', true
	case "Yuml":
		return 'Ÿ', true
	case "fnof":
		return 'ƒ', true
	case "circ":
		return 'ˆ', true
	case "tilde":
		return '˜', true
	case "ndash":
		return '–', true
	case "mdash":
		return '—', true
	case "lsquo":
		return '‘', true
	case "rsquo":
		return '’', true
	case "sbquo":
		return '‚', true
	case "ldquo":
		return '“', true
	case "rdquo":
		return '”', true
	case "bdquo":
		return '„', true
	case "dagger":
		return '†', true
	case "Dagger":
		return '‡', true
	case "bull":
		return '•', true
	case "hellip":
		return '…', true
	case "permil":
		return '‰', true
	case "lsaquo":
		return '‹', true
	case "rsaquo":
		return '›', true
	case "euro":
		return '€', true
	case "trade":
		return '™', true
	}
	for i, n := range latin1 {
		if n == name {
			return rune(0xA0 + i), true
		}
	}
	return 0, false
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
