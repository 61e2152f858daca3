package readable

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// This file is Readability's cleaning of the article it gathered: forms,
// embeds, asides, share buttons, headings named as boilerplate, and the
// tables, lists and divs that look like anything but text. Each kind is
// judged bottom-up in one walk, so that the cleaning is linear in the
// article, where Readability measures each element's subtree anew.

// prepare cleans root, the attempt's article, in place.
func (a *attempt) prepare(root *html.Node) {
	var data map[*html.Node]bool
	if a.copiedTables {
		data = dataTables(root)
	}
	if a.copiedImages {
		fixLazyImages(root)
	}
	conditional := a.flags&flagCleanConditionally != 0
	if conditional && a.copiedForms {
		a.cleanConditionally(root, data, atom.Form, atom.Fieldset)
	}
	removeWhere(root, func(n *html.Node) bool {
		switch n.DataAtom {
		case atom.Object, atom.Embed, atom.Iframe:
			return !isVideoEmbed(n)
		case atom.Footer, atom.Link, atom.Aside, atom.Input, atom.Textarea, atom.Select, atom.Button:
			return true
		case atom.H1, atom.H2:
			if classWeight(n, a.flags) < 0 {
				return true // a heading named as boilerplate
			}
		}
		return isShare(n)
	})
	if conditional {
		// Readability judges tables, lists and divs each kind in its
		// own pass; one pass judges them all here, each element after
		// what it holds.
		a.cleanConditionally(root, data, atom.Table, atom.Ul, atom.Div)
	}
	removeWhere(root, func(n *html.Node) bool {
		if n.DataAtom == atom.H1 {
			n.DataAtom, n.Data = atom.H2, "h2" // the title is shown apart
		}
		return n.DataAtom == atom.P && !hasContent(n) || n.DataAtom == atom.Br && nextElementIsP(n)
	})
	if a.copiedTables {
		unwrapSingleCellTables(root)
	}
}

// removeWhere removes the elements under root that drop reports, looking
// under those it keeps.
func removeWhere(root *html.Node, drop func(*html.Node) bool) {
	for c := root.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode {
			if drop(c) {
				root.RemoveChild(c)
			} else {
				removeWhere(c, drop)
			}
		}
		c = next
	}
}

// isShare reports a small element named for sharing buttons.
func isShare(n *html.Node) bool {
	class, id := attr(n, "class"), attr(n, "id")
	if !containsFold(class, "share") && !containsFold(id, "share") {
		return false // most elements: no need to build the string
	}
	return shareName.MatchString(class+" "+id) && textLengthUpTo(n, minArticleLength) < minArticleLength
}

// containsFold reports whether s holds word, ASCII letters of any case;
// word is lower-case.
func containsFold(s, word string) bool {
	for i := 0; i+len(word) <= len(s); i++ {
		j := 0
		for j < len(word) && s[i+j]|0x20 == word[j] {
			j++
		}
		if j == len(word) {
			return true
		}
	}
	return false
}

var (
	shareName = regexp.MustCompile(`(?i)(\b|_)(share|sharedaddy)(\b|_)`)
	videoURL  = regexp.MustCompile(`(?i)//(www\.)?((dailymotion|youtube|youtube-nocookie|player\.vimeo|v\.qq|bilibili|live\.bilibili)\.com|(archive|upload\.wikimedia)\.org|player\.twitch\.tv)`)
	adWords   = regexp.MustCompile(`(?i)^(ad(vertising|vertisement)?|pub(licité)?|werb(ung)?|广告|Реклама|Anuncio)$`)
	loading   = regexp.MustCompile(`(?i)^((loading|正在加载|Загрузка|chargement|cargando)(…|\.\.\.)?)$`)
)

// isVideoEmbed reports an embed of a video site's player.
func isVideoEmbed(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Object, atom.Embed, atom.Iframe:
	default:
		return false
	}
	var found bool
	var walk func(*html.Node)
	walk = func(m *html.Node) {
		for _, at := range m.Attr {
			if videoURL.MatchString(at.Val) {
				found = true
				return
			}
		}
		if n.DataAtom == atom.Object { // its <param>s
			for c := m.FirstChild; c != nil && !found; c = c.NextSibling {
				walk(c)
			}
		}
	}
	walk(n)
	return found
}

// hasContent reports whether n holds text, an image or an embed.
func hasContent(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if strings.TrimSpace(c.Data) != "" {
				return true
			}
		case html.ElementNode:
			switch c.DataAtom {
			case atom.Img, atom.Picture, atom.Embed, atom.Object, atom.Iframe:
				return true
			}
			if hasContent(c) {
				return true
			}
		}
	}
	return false
}

func nextElementIsP(br *html.Node) bool {
	for c := br.NextSibling; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			return c.DataAtom == atom.P
		}
		if c.Type == html.TextNode && strings.TrimSpace(c.Data) != "" {
			return false
		}
	}
	return false
}

// unwrapSingleCellTables puts the cell of a table of one cell in the
// table's place.
func unwrapSingleCellTables(root *html.Node) {
	removeWhere(root, func(n *html.Node) bool {
		if n.DataAtom != atom.Table {
			return false
		}
		body := n
		if b := onlyChild(n, atom.Tbody); b != nil {
			body = b
		}
		row := onlyChild(body, atom.Tr)
		if row == nil {
			return false
		}
		cell := onlyChild(row, atom.Td)
		if cell == nil {
			return false
		}
		cell.DataAtom, cell.Data = atom.Div, "div"
		phrasing := true
		for c := cell.FirstChild; c != nil; c = c.NextSibling {
			phrasing = phrasing && isPhrasing(c, false)
		}
		if phrasing {
			cell.DataAtom, cell.Data = atom.P, "p"
		}
		row.RemoveChild(cell)
		n.Parent.InsertBefore(cell, n)
		unwrapSingleCellTables(cell)
		return true
	})
}

// onlyChild returns n's only element child if it is a tag, with no text
// beside it.
func onlyChild(n *html.Node, tag atom.Atom) *html.Node {
	var found *html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.ElementNode:
			if found != nil || c.DataAtom != tag {
				return nil
			}
			found = c
		case html.TextNode:
			if strings.TrimSpace(c.Data) != "" {
				return nil
			}
		}
	}
	return found
}

// dataTables returns the tables under root that hold data, not layout, by
// Firefox's rules as Readability has them.
func dataTables(root *html.Node) map[*html.Node]bool {
	data := map[*html.Node]bool{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.DataAtom == atom.Table && isDataTable(c) {
				data[c] = true
			}
			walk(c)
		}
	}
	walk(root)
	return data
}

func isDataTable(t *html.Node) bool {
	if attr(t, "role") == "presentation" || attr(t, "datatable") == "0" {
		return false
	}
	for _, at := range t.Attr {
		if at.Key == "summary" {
			return true
		}
	}
	// The first telling element decides.
	var verdict, conclusive bool
	var scan func(*html.Node)
	scan = func(n *html.Node) {
		for c := n.FirstChild; c != nil && !conclusive; c = c.NextSibling {
			if c.Type == html.ElementNode {
				switch c.DataAtom {
				case atom.Col, atom.Colgroup, atom.Tfoot, atom.Thead, atom.Th:
					verdict, conclusive = true, true
					return
				case atom.Caption:
					if c.FirstChild != nil {
						verdict, conclusive = true, true
						return
					}
				case atom.Table:
					verdict, conclusive = false, true
					return
				}
			}
			scan(c)
		}
	}
	scan(t)
	if conclusive {
		return verdict
	}
	rows, columns := 0, 0
	var count func(*html.Node)
	count = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.DataAtom == atom.Tr {
				rows += span(c, "rowspan")
				cols := 0
				var cells func(*html.Node)
				cells = func(m *html.Node) {
					for k := m.FirstChild; k != nil; k = k.NextSibling {
						if k.Type == html.ElementNode {
							if k.DataAtom == atom.Td {
								cols += span(k, "colspan")
							}
							cells(k)
						}
					}
				}
				cells(c)
				columns = max(columns, cols)
				continue
			}
			count(c)
		}
	}
	count(t)
	switch {
	case rows == 1 || columns == 1:
		return false
	case rows >= 10 || columns > 4:
		return true
	}
	return rows*columns > 10
}

func span(n *html.Node, key string) int {
	if v, err := strconv.Atoi(attr(n, key)); err == nil && v > 0 {
		return v
	}
	return 1
}

// condStats measures a subtree for cleanConditionally.
type condStats struct {
	chars, commas       int
	text, list, heading int // text under blocks, lists, headings
	links               float64
	p, img, li, input   int
	embed               int
	video               bool
	lastText            string // the last text node with content
}

func joined(a, b int) int {
	if a > 0 && b > 0 {
		return a + b + 1
	}
	return a + b
}

func (s *condStats) add(t condStats) {
	s.chars = joined(s.chars, t.chars)
	s.commas += t.commas
	s.text = joined(s.text, t.text)
	s.list = joined(s.list, t.list)
	s.heading = joined(s.heading, t.heading)
	s.links += t.links
	s.p += t.p
	s.img += t.img
	s.li += t.li
	s.input += t.input
	s.embed += t.embed
	s.video = s.video || t.video
	if t.lastText != "" {
		s.lastText = t.lastText
	}
}

// own adds what n itself is to the measure of its content.
func (s *condStats) own(n *html.Node) {
	switch n.DataAtom {
	case atom.Ul, atom.Ol:
		s.list = s.chars
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		s.heading = s.chars
	case atom.A:
		s.links = 0
		if n.Parent == nil || n.Parent.DataAtom != atom.Figcaption {
			s.links = float64(s.chars) * linkWeight(n)
		}
	case atom.P:
		s.p++
	case atom.Img:
		s.img++
	case atom.Li:
		s.li++
	case atom.Input:
		s.input++
	case atom.Object, atom.Embed, atom.Iframe:
		s.embed++
		s.video = s.video || isVideoEmbed(n)
	}
	switch n.DataAtom {
	case atom.Blockquote, atom.Dl, atom.Div, atom.Img, atom.Ol, atom.P, atom.Pre, atom.Table, atom.Ul, atom.Span, atom.Li, atom.Td:
		s.text = s.chars
	}
}

// cleanConditionally removes the forms, fieldsets, tables, lists and divs
// under root that look like anything but text, judging each after its
// content.
func (a *attempt) cleanConditionally(root *html.Node, data map[*html.Node]bool, tags ...atom.Atom) {
	var walk func(n *html.Node, depth, code, figure int, inData bool) (condStats, bool)
	walk = func(n *html.Node, depth, code, figure int, inData bool) (condStats, bool) {
		if n.Type == html.TextNode {
			t := measureText(n.Data)
			s := condStats{chars: t.chars, commas: t.commas}
			if t.chars > 0 {
				s.lastText = n.Data
			}
			return s, false
		}
		if n.Type != html.ElementNode {
			return condStats{}, false
		}
		switch n.DataAtom {
		case atom.Code:
			code = depth
		case atom.Figure:
			figure = depth
		}
		var s condStats
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			cs, drop := walk(c, depth+1, code, figure, inData || data[n])
			if drop {
				n.RemoveChild(c)
			} else {
				s.add(cs)
			}
			c = next
		}
		if n != root && slices.Contains(tags, n.DataAtom) && !inData && !within(code, depth) && a.removeConditionally(n, s, data, within(figure, depth)) {
			return condStats{}, true
		}
		s.own(n)
		return s, false
	}
	walk(root, 0, noAncestor, noAncestor, false)
}

// removeConditionally is Readability's judgement of n, whose content
// measures s.
func (a *attempt) removeConditionally(n *html.Node, s condStats, data map[*html.Node]bool, inFigure bool) bool {
	if data[n] {
		return false
	}
	weight := classWeight(n, a.flags)
	if weight < 0 {
		return true
	}
	if s.video || s.commas >= 10 {
		return false
	}
	if t := strings.TrimSpace(s.lastText); t != "" && (adWords.MatchString(t) || loading.MatchString(t)) {
		return true
	}
	isList := n.DataAtom == atom.Ul
	var textDensity, linkDensity, headingDensity float64
	if s.chars > 0 {
		isList = isList || float64(s.list)/float64(s.chars) > 0.9
		textDensity = float64(s.text) / float64(s.chars)
		linkDensity = s.links / float64(s.chars)
		headingDensity = float64(s.heading) / float64(s.chars)
	}
	var drop bool
	switch {
	case s.img > 1 && float64(s.p)/float64(s.img) < 0.5 && !inFigure:
		drop = true
	case !isList && s.li-100 > s.p:
		drop = true
	case float64(s.input) > math.Floor(float64(s.p)/3):
		drop = true
	case !isList && headingDensity < 0.9 && s.chars < 25 && (s.img == 0 || s.img > 2) && linkDensity > 0 && !inFigure:
		drop = true
	case !isList && weight < 25 && linkDensity > 0.2:
		drop = true
	case weight >= 25 && linkDensity > 0.5:
		drop = true
	case s.embed == 1 && s.chars < 75 || s.embed > 1:
		drop = true
	case s.img == 0 && textDensity == 0:
		drop = true
	}
	if isList && drop {
		// A list of images stays.
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && elementChildren(c) > 1 {
				return true
			}
		}
		return s.img != s.li
	}
	return drop
}

func elementChildren(n *html.Node) int {
	k := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			k++
		}
	}
	return k
}
