;;; insert-from-url-attack.el --- Let Org do what a user does with hostile notes -*- lexical-binding: t; -*-

;;; Commentary:

;; Used by attack_test.go.  `ifu-attack-check' takes a folder of notes
;; converted from hostile pages and does with each what a user does: open
;; it as an agenda file, TAB through its tables, re-open the saved file with
;; every local variable allowed, export it to HTML with Babel evaluating
;; without a question.  The pages' payload writes the file named by
;; $IFU_MARKER: it must never appear.  Then Org's own parser reads each
;; note, and every construct the page could not have meant (a link that is
;; not http, https or mailto, a macro, a LaTeX fragment, an export snippet,
;; an active timestamp, a TODO keyword, a src block in an unknown language,
;; ...) is printed, one line each, as "FILE: what".

;;; Code:

(require 'org)
(require 'org-element)
(require 'org-agenda)
(require 'ox-html)
(require 'ob-emacs-lisp)
(require 'ob-shell)

(defvar ifu-attack-languages
  '("go" "python" "sh" "bash" "js" "typescript" "C" "C++" "csharp" "java" "kotlin"
    "scala" "rust" "ruby" "php" "perl" "lua" "R" "julia" "haskell" "ocaml" "elixir"
    "erlang" "clojure" "lisp" "scheme" "emacs-lisp" "swift" "dart" "zig" "nix" "sql"
    "json" "yaml" "toml" "conf" "xml" "html" "css" "scss" "markdown" "latex" "diff"
    "makefile" "dockerfile" "cmake" "powershell" "graphql" "protobuf" "fortran"
    "octave" "vimrc" "awk" "nginx")
  "The languages a src block may name.")

(defun ifu-attack--live (file)
  "Return the constructs in the Org FILE that no page may write."
  (let (found)
    (with-temp-buffer
      (insert-file-contents file)
      (let ((org-inhibit-startup t)) (org-mode))
      (org-element-map (org-element-parse-buffer)
          '(link latex-fragment export-snippet macro target radio-target
                 footnote-reference footnote-definition inline-src-block
                 inline-babel-call babel-call timestamp headline src-block
                 keyword diary-sexp table-cell entity planning clock drawer
                 property-drawer fixed-width comment-block export-block
                 dynamic-block latex-environment)
        (lambda (e)
          (let ((text (buffer-substring-no-properties
                       (org-element-property :begin e)
                       (min (point-max) (org-element-property :end e)))))
            (pcase (org-element-type e)
              ('link
               (unless (member (org-element-property :type e) '("http" "https" "mailto"))
                 (push (format "link %s" text) found)))
              ('timestamp
               (when (memq (org-element-property :type e) '(active active-range diary))
                 (push (format "timestamp %s" text) found)))
              ('headline
               (when (or (org-element-property :todo-keyword e)
                         (org-element-property :tags e)
                         (org-element-property :commentedp e))
                 (push (format "headline %s" (org-element-property :raw-value e)) found)))
              ('src-block
               (unless (member (org-element-property :language e) ifu-attack-languages)
                 (push (format "src-block %s" (org-element-property :language e)) found)))
              ('table-cell
               (when (string-match-p "\\`[ \t]*:?=" text)
                 (push (format "formula %s" text) found)))
              ('property-drawer
               ;; Only the metadata's own drawer has a place in a note.
               (unless (string-match-p "\\`:PROPERTIES:\n\\(?::\\(?:URL\\|AUTHOR\\|SITE\\|DATE\\|TYPE\\): .*\n\\)*:END:" text)
                 (push (format "property-drawer %s" text) found)))
              ('latex-fragment
               ;; MathML's own TeX, written only when it is plain.
               (unless (string-match-p "\\`\\\\([[:alnum:] \\\\{}^_+=()',./*!;-]*\\\\)[ \t]*\\'" text)
                 (push (format "latex-fragment %s" text) found)))
              ('entity
               ;; A table's escaped cell separator.
               (unless (equal (org-element-property :name e) "vert")
                 (push (format "entity %s" text) found)))
              ('keyword
               (unless (member (org-element-property :key e) '("TITLE" "AUTHOR" "SITE" "DATE" "URL" "TYPE"))
                 (push (format "keyword %s" text) found)))
              (type (push (format "%s %s" type (string-trim text)) found))))))
      ;; The agenda reads "<%%(" and a line's "%%(" with a regexp, outside
      ;; any element too.
      (goto-char (point-min))
      (while (re-search-forward "^%%(\\|<%%(" nil t)
        (push (format "sexp %s" (match-string 0)) found)))
    (nreverse found)))

(defun ifu-attack--use (file)
  "Do with FILE what a user does with a note, payload or not."
  (let ((org-agenda-files (list file))
        (org-confirm-babel-evaluate nil)
        (org-link-elisp-confirm-function nil)
        (org-link-shell-confirm-function nil)
        (enable-local-variables :all)
        (enable-local-eval t)
        (org-export-use-babel t)
        (inhibit-message t))
    ;; Save it as a note and open it again.
    (let ((buf (find-file-noselect file)))
      (with-current-buffer buf
        (when file-local-variables-alist
          (princ (format "%s: local variables %S\n" (file-name-nondirectory file)
                         (mapcar #'car file-local-variables-alist))))
        ;; TAB through every table.
        (goto-char (point-min))
        (while (re-search-forward "^[ \t]*|" nil t)
          (when (org-at-table-p)
            (ignore-errors (org-table-next-field))))
        (set-buffer-modified-p nil)
        ;; Export to HTML.
        (let ((html (and (derived-mode-p 'org-mode) (ignore-errors
                      (org-export-as 'html nil nil t '(:with-toc nil :section-numbers nil))))))
          (when (and html (string-match "<[a-z]+[^<>]* onerror\\|<script>alert" html))
            (princ (format "%s: exported HTML holds %s\n" (file-name-nondirectory file)
                           (match-string 0 html))))))
      (kill-buffer buf))
    ;; Open the agenda over it, over a few weeks.
    (ignore-errors (org-agenda-list nil "2026-12-01" 21))
    (when (get-buffer org-agenda-buffer-name)
      (kill-buffer org-agenda-buffer-name))))

(defun ifu-attack-check (dir)
  "Use and read every note in DIR; print what a page made live."
  (dolist (file (directory-files dir t "\\.\\(org\\|md\\|txt\\)\\'"))
    (ifu-attack--use file)
    (when (file-exists-p (getenv "IFU_MARKER"))
      (princ (format "%s: the payload ran\n" (file-name-nondirectory file)))
      (delete-file (getenv "IFU_MARKER")))
    (when (string-suffix-p ".org" file)
      (dolist (what (ifu-attack--live file))
        (princ (format "%s: %s\n" (file-name-nondirectory file) what)))))
)

(provide 'insert-from-url-attack)
;;; insert-from-url-attack.el ends here
