package readable

import (
	"regexp"
	"sort"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// This file picks the best candidate of an attempt and gathers it, with
// the siblings that belong to it, into a new tree.

// article returns a new tree holding the attempt's article, and the
// elements of the page it copied.
func (a *attempt) article(body *html.Node) (*html.Node, []*html.Node) {
	for _, c := range a.order {
		c.score *= 1 - c.stats.linkDensity()
	}
	sort.SliceStable(a.order, func(i, j int) bool { return a.order[i].score > a.order[j].score })
	top := a.order
	if len(top) > nTopCandidates {
		top = top[:nTopCandidates]
	}
	root := &html.Node{Type: html.ElementNode, DataAtom: atom.Div, Data: "div"}
	if len(top) == 0 || top[0].n.DataAtom == atom.Body {
		a.appendChildren(root, body)
		return root, []*html.Node{body}
	}
	best := a.bestCandidate(top)
	bestScore := a.scoreOf(best)
	threshold := max(10, bestScore*0.2)
	class := attr(best, "class")
	var sources []*html.Node
	for _, sib := range a.children(best.Parent) {
		keep := sib.n == best
		if !keep {
			bonus := 0.0
			if class != "" && sib.n != nil && attr(sib.n, "class") == class {
				bonus = bestScore * 0.2
			}
			if c := a.candOf(sib); c != nil && c.score+bonus >= threshold {
				keep = true
			} else if sib.tag == atom.P {
				s := a.statsOf(sib)
				keep = s.chars > 80 && s.linkDensity() < 0.25 ||
					s.chars > 0 && s.chars < 80 && s.links == 0 && sentenceEnd.MatchString(a.textOfChild(sib))
			}
		}
		if !keep {
			continue
		}
		if sib.n != nil {
			sources = append(sources, sib.n)
		} else {
			sources = append(sources, sib.r.first)
		}
		n := a.cloneChild(sib)
		switch n.DataAtom {
		case atom.Div, atom.Article, atom.Section, atom.P, atom.Ol, atom.Ul:
		default:
			n.DataAtom, n.Data = atom.Div, "div"
		}
		root.AppendChild(n)
	}
	return root, sources
}

var sentenceEnd = regexp.MustCompile(`\.( |$)`)

// bestCandidate is Readability's choice among the top candidates: the
// first, or an ancestor it shares with enough of the others, or a parent
// that scores higher, or the parent it is the only child of.
func (a *attempt) bestCandidate(top []*candidate) *html.Node {
	best := top[0].n
	bestScore := top[0].score
	var alternatives [][]*html.Node
	for _, c := range top[1:] {
		if c.score/bestScore >= 0.75 {
			var ancestors []*html.Node
			for p := c.n.Parent; p != nil; p = p.Parent {
				ancestors = append(ancestors, p)
			}
			alternatives = append(alternatives, ancestors)
		}
	}
	const minAlternatives = 3
	if len(alternatives) >= minAlternatives {
	up:
		for p := best.Parent; p != nil && p.DataAtom != atom.Body; p = p.Parent {
			n := 0
			for _, ancestors := range alternatives {
				for _, q := range ancestors {
					if q == p {
						n++
						break
					}
				}
				if n >= minAlternatives {
					best = p
					break up
				}
			}
		}
	}
	last := a.scoreOf(best)
	threshold := last / 3
	for p := best.Parent; p != nil && p.DataAtom != atom.Body; p = p.Parent {
		c := a.cands[p]
		if c == nil {
			continue
		}
		if c.score < threshold {
			break
		}
		if c.score > last {
			best = p
			break
		}
		last = c.score
	}
	for p := best.Parent; p != nil && p.DataAtom != atom.Body && len(a.children(p)) == 1; p = p.Parent {
		best = p
	}
	return best
}

// scoreOf is n's score, its initial one if no paragraph scored it.
func (a *attempt) scoreOf(n *html.Node) float64 {
	if c := a.cands[n]; c != nil {
		return c.score
	}
	return a.initialScore(n)
}

// child is an element child of a node as Readability sees it: an element
// (n), or a run of phrasing content made a paragraph (r).
type child struct {
	n   *html.Node
	r   *run
	tag atom.Atom // as read: a div may be a p
}

// children lists the element children of n as Readability sees them.
func (a *attempt) children(n *html.Node) []child {
	var out []child
	info := a.divs[n]
	ri := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if info != nil && ri < len(info.runs) && c == info.runs[ri].first {
			r := info.runs[ri]
			out = append(out, child{r: r, tag: atom.P})
			for c != r.last {
				c = c.NextSibling
			}
			ri++
			continue
		}
		if c.Type != html.ElementNode || a.removed[c] || info != nil && isParagraphBreak(c) {
			continue
		}
		tag := c.DataAtom
		if d := a.divs[c]; d != nil && d.shape != divKeep {
			tag = atom.P
		}
		out = append(out, child{n: c, tag: tag})
	}
	return out
}

func (a *attempt) candOf(c child) *candidate {
	if c.n == nil {
		return nil
	}
	return a.cands[c.n]
}

// statsOf measures a child: a run has its measure; an element is
// measured again, as it is one of the few siblings of the article.
func (a *attempt) statsOf(c child) textStats {
	if c.r != nil {
		return c.r.stats
	}
	if cand := a.cands[c.n]; cand != nil {
		return cand.stats
	}
	return a.measure(c.n)
}

func (a *attempt) textOfChild(c child) string {
	return collapse(textOf(a.cloneChild(c)))
}

// cloneChild copies a child, as Readability sees it, into a new tree.
func (a *attempt) cloneChild(c child) *html.Node {
	if c.r != nil {
		return a.runParagraph(c.r, nil)
	}
	return a.clone(c.n)
}

// runParagraph makes a paragraph of a run; attrs from the div it stands
// for, if any.
func (a *attempt) runParagraph(r *run, from *html.Node) *html.Node {
	p := &html.Node{Type: html.ElementNode, DataAtom: atom.P, Data: "p"}
	if from != nil {
		p.Attr = sharedAttrs(from)
	}
	for c := r.first; ; c = c.NextSibling {
		if k := a.clone(c); k != nil {
			p.AppendChild(k)
		}
		if c == r.last {
			break
		}
	}
	return p
}

// isParagraphBreak reports whether n is a <br> of two or more in a row:
// in a div, the end of a paragraph.
func isParagraphBreak(n *html.Node) bool {
	return n.Type == html.ElementNode && n.DataAtom == atom.Br && (nextIsBr(n) || prevIsBr(n))
}

// clone copies n into a new tree as Readability sees it, or returns nil
// if Readability removed it. It notes the copy of the mark.
func (a *attempt) clone(n *html.Node) *html.Node {
	c := a.copyOf(n)
	if n == a.mark && c != nil {
		a.markCopy = c
	}
	return c
}

func (a *attempt) copyOf(n *html.Node) *html.Node {
	if img := a.swaps[n]; img != nil {
		return &html.Node{Type: html.ElementNode, DataAtom: atom.Img, Data: "img", Attr: sharedAttrs(img)}
	}
	switch n.Type {
	case html.TextNode:
		return &html.Node{Type: html.TextNode, Data: n.Data}
	case html.ElementNode:
	default:
		return nil
	}
	if a.removed[n] {
		return nil
	}
	if info := a.divs[n]; info != nil {
		switch info.shape {
		case divCollapse:
			if info.only == nil {
				return a.runParagraph(info.runs[0], n)
			}
			p := a.clone(info.only)
			for _, key := range []string{"id", "class"} {
				if v := attr(n, key); v != "" && attr(p, key) == "" {
					p.Attr = append(p.Attr, html.Attribute{Key: key, Val: v})
				}
			}
			return p
		case divToP:
			p := a.shallow(n)
			p.DataAtom, p.Data = atom.P, "p"
			a.appendChildren(p, n)
			return p
		}
	}
	c := a.shallow(n)
	a.appendChildren(c, n)
	return c
}

func (a *attempt) shallow(n *html.Node) *html.Node {
	switch n.DataAtom {
	case atom.Img, atom.Picture, atom.Figure:
		a.copiedImages = true
	case atom.Table:
		a.copiedTables = true
	case atom.Form, atom.Fieldset:
		a.copiedForms = true
	}
	return &html.Node{Type: n.Type, DataAtom: n.DataAtom, Data: n.Data, Namespace: n.Namespace, Attr: sharedAttrs(n)}
}

// appendChildren appends copies of from's children, as Readability sees
// them, to to.
func (a *attempt) appendChildren(to, from *html.Node) {
	info := a.divs[from]
	ri := 0
	for c := from.FirstChild; c != nil; c = c.NextSibling {
		if info != nil && ri < len(info.runs) && c == info.runs[ri].first {
			r := info.runs[ri]
			to.AppendChild(a.runParagraph(r, nil))
			for c != r.last {
				c = c.NextSibling
			}
			ri++
			continue
		}
		if info != nil && isParagraphBreak(c) {
			continue // the runs make the paragraphs
		}
		if k := a.clone(c); k != nil {
			to.AppendChild(k)
		}
	}
}
