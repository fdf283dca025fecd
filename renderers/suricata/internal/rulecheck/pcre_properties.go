// Unicode script and property names after \p{ in a pcre regex.

package rulecheck

import "strings"

// ucpScripts are the names, as PCRE2 10.42 reads them after \p{ (lower
// case, without "_", "-" and white space), of the Unicode scripts: alone
// or after "sc:", "scx:", "script=" or "scriptextensions=".
var ucpScripts = wordSet(`
adlam adlm aghb ahom anatolianhieroglyphs arab arabic armenian armi armn avestan avst bali
balinese bamu bamum bass bassavah batak batk beng bengali bhaiksuki bhks bopo bopomofo
brah brahmi brai braille bugi buginese buhd buhid cakm canadianaboriginal cans cari carian
caucasianalbanian chakma cham cher cherokee chorasmian chrs common copt coptic cpmn cprt
cuneiform cypriot cyprominoan cyrillic cyrl deseret deva devanagari diak divesakuru dogr
dogra dsrt dupl duployan egyp egyptianhieroglyphs elba elbasan elym elymaic ethi ethiopic
geor georgian glag glagolitic gong gonm goth gothic gran grantha greek grek gujarati gujr
gunjalagondi gurmukhi guru han hang hangul hani hanifirohingya hano hanunoo hatr hatran
hebr hebrew hira hiragana hluw hmng hmnp hung imperialaramaic inherited
inscriptionalpahlavi inscriptionalparthian ital java javanese kaithi kali kana kannada
katakana kayahli khar kharoshthi khitansmallscript khmer khmr khoj khojki khudawadi kits
knda kthi lana lao laoo latin latn lepc lepcha limb limbu lina linb lineara linearb lisu
lyci lycian lydi lydian mahajani mahj maka makasar malayalam mand mandaic mani manichaean
marc marchen masaramgondi medefaidrin medf meeteimayek mend mendekikakui merc mero
meroiticcursive meroitichieroglyphs miao mlym modi mong mongolian mro mroo mtei mult
multani myanmar mymr nabataean nand nandinagari narb nbat newa newtailue nko nkoo nshu
nushu nyiakengpuachuehmong ogam ogham olchiki olck oldhungarian olditalic oldnortharabian
oldpermic oldpersian oldsogdian oldsoutharabian oldturkic olduyghur oriya orkh orya osage
osge osma osmanya ougr pahawhhmong palm palmyrene pauc paucinhau perm phag phagspa phli
phlp phnx phoenician plrd prti psalterpahlavi qaac qaai rejang rjng rohg runic runr
samaritan samr sarb saur saurashtra sgnw sharada shavian shaw shrd sidd siddham
signwriting sind sinh sinhala sogd sogdian sogo sora sorasompeng soyo soyombo sund
sundanese sylo sylotinagri syrc syriac tagalog tagb tagbanwa taile taitham taiviet takr
takri tale talu tamil taml tang tangsa tangut tavt telu telugu tfng tglg thaa thaana thai
tibetan tibt tifinagh tirh tirhuta tnsa toto ugar ugaritic unknown vai vaii vith vithkuqi
wancho wara warangciti wcho xpeo xsux yezi yezidi yi yiii zanabazarsquare zanb zinh zyyy
zzzz`)

// ucpProperties are PCRE2 10.42's other property names: general
// categories, binary properties and, after "bidi", Bidi_Class values
// (\p{bc:l} reads as \p{bidil}).
var ucpProperties = wordSet(`
ahex alpha alphabetic any ascii asciihexdigit bidial bidian bidib bidibn bidic bidicontrol
bidics bidien bidies bidiet bidifsi bidil bidilre bidilri bidilro bidim bidimirrored
bidinsm bidion bidipdf bidipdi bidir bidirle bidirli bidirlo bidis bidiws c cased
caseignorable cc cf changeswhencasefolded changeswhencasemapped changeswhenlowercased
changeswhentitlecased changeswhenuppercased ci cn co cs cwcf cwcm cwl cwt cwu dash
defaultignorablecodepoint dep deprecated di dia diacritic ebase ecomp emod emoji
emojicomponent emojimodifier emojimodifierbase emojipresentation epres ext
extendedpictographic extender extpict graphemebase graphemeextend graphemelink grbase
grext grlink hex hexdigit idc idcontinue ideo ideographic ids idsb idsbinaryoperator idst
idstart idstrinaryoperator joinc joincontrol l l& lc ll lm lo loe logicalorderexception
lower lowercase lt lu m math mc me mn n nchar nd nl no noncharactercodepoint p patsyn
patternsyntax patternwhitespace patws pc pcm pd pe pf pi po prependedconcatenationmark ps
qmark quotationmark radical regionalindicator ri s sc sd sentenceterminal sk sm so
softdotted space sterm term terminalpunctuation uideo unifiedideograph upper uppercase
variationselector vs whitespace wspace xan xidc xidcontinue xids xidstart xps xsp xuc xwd
z zl zp zs`)

// propertyEnd reads the property after \p or \P at re[i], a letter or a
// name in braces PCRE2 knows, and returns the offset of its last byte.
func propertyEnd(re string, i int) (int, bool) {
	if i >= len(re) {
		return i, false
	}
	if re[i] != '{' {
		return i, ucpProperties[strings.ToLower(re[i:i+1])]
	}
	end := strings.IndexByte(re[i:], '}')
	if end < 0 {
		return i, false
	}
	body := strings.TrimPrefix(re[i+1:i+end], "^")
	name := strings.ToLower(strings.Map(func(r rune) rune {
		if strings.ContainsRune("_- \t\n\v\f\r", r) {
			return -1
		}
		return r
	}, body))
	prop, value, typed := name, "", false
	if sep := strings.IndexAny(name, ":="); sep >= 0 {
		prop, value, typed = name[:sep], name[sep+1:], true
	}
	switch {
	case !typed:
		return i + end, ucpScripts[name] || ucpProperties[name]
	case prop == "bidiclass" || prop == "bc":
		return i + end, ucpProperties["bidi"+value]
	case prop == "script" || prop == "sc" || prop == "scriptextensions" || prop == "scx":
		return i + end, ucpScripts[value]
	}
	return i, false
}
