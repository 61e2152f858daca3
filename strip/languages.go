package strip

import "strings"

// languages maps the names pages give a code block's language to the
// names Org and markdown-mode know. A code block's language names a function that the editor calls to show
// it: Org fontifies a src block with the mode (org-src-lang-modes, else
// LANG-mode), and so does markdown-mode for a fence. A page's class
// attribute must not pick that function ("language-server" would call
// server-mode, "language-cua" cua-mode), so only the languages of a fixed
// list are kept, under the name each editor knows; any other block is
// written with no language.
var languages = func() map[string][2]string {
	m := map[string][2]string{}
	// Each entry: the names pages use, the Org name, the Markdown name.
	for _, l := range []struct{ names, org, md string }{
		{"go golang", "go", "go"},
		{"python py python3 py3", "python", "python"},
		{"sh shell zsh ksh posix", "sh", "sh"},
		{"bash", "bash", "bash"},
		{"console shell-session shellsession terminal", "sh", "console"},
		{"js javascript jsx node mjs cjs", "js", "javascript"},
		{"ts typescript tsx", "typescript", "typescript"},
		{"c h", "C", "c"},
		{"cpp c++ cxx cc hpp", "C++", "cpp"},
		{"csharp cs c#", "csharp", "csharp"},
		{"java", "java", "java"},
		{"kotlin kt", "kotlin", "kotlin"},
		{"scala", "scala", "scala"},
		{"rust rs", "rust", "rust"},
		{"ruby rb", "ruby", "ruby"},
		{"php", "php", "php"},
		{"perl pl", "perl", "perl"},
		{"lua", "lua", "lua"},
		{"r", "R", "r"},
		{"julia jl", "julia", "julia"},
		{"haskell hs", "haskell", "haskell"},
		{"ocaml ml", "ocaml", "ocaml"},
		{"elixir ex exs", "elixir", "elixir"},
		{"erlang erl", "erlang", "erlang"},
		{"clojure clj cljs", "clojure", "clojure"},
		{"lisp common-lisp cl", "lisp", "lisp"},
		{"scheme scm racket", "scheme", "scheme"},
		{"emacs-lisp elisp el emacs", "emacs-lisp", "emacs-lisp"},
		{"swift", "swift", "swift"},
		{"dart", "dart", "dart"},
		{"zig", "zig", "zig"},
		{"nix", "nix", "nix"},
		{"sql mysql postgresql postgres psql sqlite plsql", "sql", "sql"},
		{"json jsonc json5", "json", "json"},
		{"yaml yml", "yaml", "yaml"},
		{"toml", "toml", "toml"},
		{"ini cfg conf", "conf", "ini"},
		{"xml svg xsl", "xml", "xml"},
		{"html xhtml htm", "html", "html"},
		{"css", "css", "css"},
		{"scss sass", "scss", "scss"},
		{"markdown md", "markdown", "markdown"},
		{"latex tex", "latex", "latex"},
		{"diff patch", "diff", "diff"},
		{"makefile make mk", "makefile", "makefile"},
		{"dockerfile docker", "dockerfile", "dockerfile"},
		{"cmake", "cmake", "cmake"},
		{"powershell ps1 pwsh", "powershell", "powershell"},
		{"graphql gql", "graphql", "graphql"},
		{"protobuf proto", "protobuf", "protobuf"},
		{"fortran f90", "fortran", "fortran"},
		{"matlab octave", "octave", "matlab"},
		{"vim viml vimscript", "vimrc", "vim"},
		{"awk", "awk", "awk"},
		{"nginx", "nginx", "nginx"},
		{"groovy gradle", "groovy", "groovy"},
		{"hcl terraform tf", "hcl", "hcl"},
		{"verilog v sv systemverilog", "verilog", "verilog"},
		{"vhdl", "vhdl", "vhdl"},
		{"solidity sol", "solidity", "solidity"},
		{"elm", "elm", "elm"},
		{"fsharp f#", "fsharp", "fsharp"},
		{"coffeescript coffee", "coffee", "coffeescript"},
		{"objective-c objc objectivec", "objc", "objective-c"},
		{"pascal delphi", "pascal", "pascal"},
		{"ada", "ada", "ada"},
		{"prolog", "prolog", "prolog"},
		{"tcl", "tcl", "tcl"},
		{"d", "d", "d"},
		{"crystal", "crystal", "crystal"},
		{"nim", "nim", "nim"},
		{"vue", "vue", "vue"},
		{"svelte", "svelte", "svelte"},
		{"asm nasm assembly x86asm", "asm", "asm"},
		{"http", "http", "http"},
		{"plantuml puml", "plantuml", "plantuml"},
		{"mermaid", "mermaid", "mermaid"},
		{"dot graphviz", "dot", "dot"},
		{"gnuplot", "gnuplot", "gnuplot"},
		{"sed", "sed", "sed"},
		{"regex regexp", "", "regex"},
	} {
		for _, n := range strings.Fields(l.names) {
			m[n] = [2]string{l.org, l.md}
		}
	}
	return m
}()

// orgLanguages and markdownLanguages map a language as pages name it
// (lower-cased) to the name Org and markdown-mode know, or "".
var orgLanguages, markdownLanguages = func() (org, md map[string]string) {
	org, md = map[string]string{}, map[string]string{}
	for n, l := range languages {
		org[n], md[n] = l[0], l[1]
	}
	return org, md
}()
