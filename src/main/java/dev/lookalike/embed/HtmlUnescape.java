package dev.lookalike.embed;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTML character-reference decoding with the semantics of Python's {@code html.unescape} (which CLIP's
 * reference tokenizer applies twice) and of ftfy's stricter entity fix.
 *
 * <p>Difference from Python: the named-entity table holds the 253 HTML 4 entities plus {@code &apos;}
 * and the upper-case legacy spellings ({@code &AMP;}, {@code &LT;}, ...), not all 2231 HTML 5 names.
 * Every name Python accepts without a trailing semicolon is in it, so the longest-prefix rule
 * ({@code &notit;} becomes {@code ¬it;}) matches Python exactly; a rare HTML 5 name such as
 * {@code &bigstar;} is left as written.
 */
final class HtmlUnescape {

    /** Same alternatives, in the same order, as Python's {@code html._charref}. */
    private static final Pattern CHARREF =
            Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");

    /** ftfy only decodes references that end in a semicolon. */
    private static final Pattern FTFY_ENTITY = Pattern.compile("&#?[0-9A-Za-z]{1,24};");

    /**
     * {@code name=hex code point} pairs; a leading {@code *} marks the names HTML also accepts without
     * the semicolon. Generated from Python's {@code html.entities.html5}.
     */
    private static final String ENTITIES = ""
            + "*QUOT=22 *quot=22 *AMP=26 *amp=26 apos=27 *LT=3c *lt=3c *GT=3e *gt=3e *nbsp=a0 *iexcl=a1 *cent=a2 "
            + "*pound=a3 *curren=a4 *yen=a5 *brvbar=a6 *sect=a7 *uml=a8 *COPY=a9 *copy=a9 *ordf=aa *laquo=ab "
            + "*not=ac *shy=ad *REG=ae *reg=ae *macr=af *deg=b0 *plusmn=b1 *sup2=b2 *sup3=b3 *acute=b4 *micro=b5 "
            + "*para=b6 *middot=b7 *cedil=b8 *sup1=b9 *ordm=ba *raquo=bb *frac14=bc *frac12=bd *frac34=be "
            + "*iquest=bf *Agrave=c0 *Aacute=c1 *Acirc=c2 *Atilde=c3 *Auml=c4 *Aring=c5 *AElig=c6 *Ccedil=c7 "
            + "*Egrave=c8 *Eacute=c9 *Ecirc=ca *Euml=cb *Igrave=cc *Iacute=cd *Icirc=ce *Iuml=cf *ETH=d0 *Ntilde=d1 "
            + "*Ograve=d2 *Oacute=d3 *Ocirc=d4 *Otilde=d5 *Ouml=d6 *times=d7 *Oslash=d8 *Ugrave=d9 *Uacute=da "
            + "*Ucirc=db *Uuml=dc *Yacute=dd *THORN=de *szlig=df *agrave=e0 *aacute=e1 *acirc=e2 *atilde=e3 "
            + "*auml=e4 *aring=e5 *aelig=e6 *ccedil=e7 *egrave=e8 *eacute=e9 *ecirc=ea *euml=eb *igrave=ec "
            + "*iacute=ed *icirc=ee *iuml=ef *eth=f0 *ntilde=f1 *ograve=f2 *oacute=f3 *ocirc=f4 *otilde=f5 *ouml=f6 "
            + "*divide=f7 *oslash=f8 *ugrave=f9 *uacute=fa *ucirc=fb *uuml=fc *yacute=fd *thorn=fe *yuml=ff "
            + "OElig=152 oelig=153 Scaron=160 scaron=161 Yuml=178 fnof=192 circ=2c6 tilde=2dc Alpha=391 Beta=392 "
            + "Gamma=393 Delta=394 Epsilon=395 Zeta=396 Eta=397 Theta=398 Iota=399 Kappa=39a Lambda=39b Mu=39c "
            + "Nu=39d Xi=39e Omicron=39f Pi=3a0 Rho=3a1 Sigma=3a3 Tau=3a4 Upsilon=3a5 Phi=3a6 Chi=3a7 Psi=3a8 "
            + "Omega=3a9 alpha=3b1 beta=3b2 gamma=3b3 delta=3b4 epsilon=3b5 zeta=3b6 eta=3b7 theta=3b8 iota=3b9 "
            + "kappa=3ba lambda=3bb mu=3bc nu=3bd xi=3be omicron=3bf pi=3c0 rho=3c1 sigmaf=3c2 sigma=3c3 tau=3c4 "
            + "upsilon=3c5 phi=3c6 chi=3c7 psi=3c8 omega=3c9 thetasym=3d1 upsih=3d2 piv=3d6 ensp=2002 emsp=2003 "
            + "thinsp=2009 zwnj=200c zwj=200d lrm=200e rlm=200f ndash=2013 mdash=2014 lsquo=2018 rsquo=2019 "
            + "sbquo=201a ldquo=201c rdquo=201d bdquo=201e dagger=2020 Dagger=2021 bull=2022 hellip=2026 "
            + "permil=2030 prime=2032 Prime=2033 lsaquo=2039 rsaquo=203a oline=203e frasl=2044 euro=20ac image=2111 "
            + "weierp=2118 real=211c trade=2122 alefsym=2135 larr=2190 uarr=2191 rarr=2192 darr=2193 harr=2194 "
            + "crarr=21b5 lArr=21d0 uArr=21d1 rArr=21d2 dArr=21d3 hArr=21d4 forall=2200 part=2202 exist=2203 "
            + "empty=2205 nabla=2207 isin=2208 notin=2209 ni=220b prod=220f sum=2211 minus=2212 lowast=2217 "
            + "radic=221a prop=221d infin=221e ang=2220 and=2227 or=2228 cap=2229 cup=222a int=222b there4=2234 "
            + "sim=223c cong=2245 asymp=2248 ne=2260 equiv=2261 le=2264 ge=2265 sub=2282 sup=2283 nsub=2284 "
            + "sube=2286 supe=2287 oplus=2295 otimes=2297 perp=22a5 sdot=22c5 lceil=2308 rceil=2309 lfloor=230a "
            + "rfloor=230b loz=25ca spades=2660 clubs=2663 hearts=2665 diams=2666 lang=27e8 rang=27e9 "            ;

    /** Entity name (without {@code &} and {@code ;}) to its text. */
    private static final Map<String, String> NAMED = new HashMap<>();
    /** Names that are also recognised without a trailing semicolon. */
    private static final Set<String> LEGACY = new HashSet<>();

    static {
        for (String entry : ENTITIES.trim().split(" ")) {
            int eq = entry.indexOf('=');
            boolean legacy = entry.charAt(0) == '*';
            String name = entry.substring(legacy ? 1 : 0, eq);
            NAMED.put(name, Character.toString(Integer.parseInt(entry.substring(eq + 1), 16)));
            if (legacy) {
                LEGACY.add(name);
            }
        }
    }

    /** What HTML 5 (and Python) substitute for numeric references to C1 controls, NUL and CR. */
    private static final Map<Integer, String> INVALID_CHARREFS = new HashMap<>();

    static {
        INVALID_CHARREFS.put(0x00, "\uFFFD");
        INVALID_CHARREFS.put(0x0D, "\r");
        String cp1252 = "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F"
                + "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";
        for (int i = 0; i < cp1252.length(); i++) {
            INVALID_CHARREFS.put(0x80 + i, String.valueOf(cp1252.charAt(i)));
        }
    }

    private static final BigInteger MAX_CODE_POINT = BigInteger.valueOf(Character.MAX_CODE_POINT);

    private HtmlUnescape() {
    }

    /**
     * Windows-1252 reading of a C1 control character (U+0080..U+009F), as ftfy's {@code fix_c1_controls}
     * and HTML 5 do; the five bytes Windows-1252 leaves undefined stay as they are.
     */
    static String windows1252(char c1Control) {
        return INVALID_CHARREFS.get((int) c1Control);
    }

    /**
     * Decodes named and numeric character references exactly where Python's {@code html.unescape}
     * would (see the class comment for the size of the name table).
     *
     * @param s any text, never null
     * @return the decoded text; {@code s} itself when it contains no {@code &}
     */
    static String unescape(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        return CHARREF.matcher(s).replaceAll(m -> Matcher.quoteReplacement(replaceCharref(m.group(1))));
    }

    /**
     * ftfy's {@code unescape_html}: only {@code &name;} and {@code &#number;} forms, and upper-case
     * spellings of lower-case names ({@code &EACUTE;} becomes {@code É}).
     *
     * @param s any text, never null
     * @return the decoded text
     */
    static String unescapeFtfy(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        return FTFY_ENTITY.matcher(s).replaceAll(m -> Matcher.quoteReplacement(ftfyReplacement(m.group())));
    }

    private static String ftfyReplacement(String entity) {
        if (entity.startsWith("&#")) {
            String decoded = unescape(entity);
            // A semicolon left over means Python decoded only a prefix, which ftfy refuses.
            return decoded.indexOf(';') >= 0 ? entity : decoded;
        }
        String name = entity.substring(1, entity.length() - 1);
        String text = NAMED.get(name);
        if (text != null) {
            return text;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        text = NAMED.get(lower);
        if (text != null && lower.toUpperCase(Locale.ROOT).equals(name) && unescape(entity).equals(entity)) {
            return text.toUpperCase(Locale.ROOT);
        }
        return entity;
    }

    private static String replaceCharref(String ref) {
        if (ref.charAt(0) == '#') {
            boolean hex = ref.length() > 1 && (ref.charAt(1) == 'x' || ref.charAt(1) == 'X');
            String digits = ref.substring(hex ? 2 : 1, ref.endsWith(";") ? ref.length() - 1 : ref.length());
            BigInteger value = new BigInteger(digits, hex ? 16 : 10);
            if (value.compareTo(MAX_CODE_POINT) > 0) {
                return "\uFFFD";
            }
            int cp = value.intValue();
            String replacement = INVALID_CHARREFS.get(cp);
            if (replacement != null) {
                return replacement;
            }
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                return "\uFFFD";
            }
            if (isInvalidCodePoint(cp)) {
                return "";
            }
            return Character.toString(cp);
        }
        String name = ref.endsWith(";") ? ref.substring(0, ref.length() - 1) : ref;
        if (ref.endsWith(";") ? NAMED.containsKey(name) : LEGACY.contains(name)) {
            return NAMED.get(name);
        }
        // HTML 5 rule: the longest legacy name that prefixes the reference wins, the rest stays text.
        for (int x = ref.length() - 1; x > 1; x--) {
            String prefix = ref.substring(0, x);
            if (LEGACY.contains(prefix)) {
                return NAMED.get(prefix) + ref.substring(x);
            }
        }
        return "&" + ref;
    }

    /** Code points Python's {@code html.unescape} drops when written as numeric references. */
    private static boolean isInvalidCodePoint(int cp) {
        return (cp >= 0x01 && cp <= 0x08) || cp == 0x0B || (cp >= 0x0E && cp <= 0x1F)
                || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0xFDD0 && cp <= 0xFDEF)
                || (cp & 0xFFFE) == 0xFFFE;
    }
}
