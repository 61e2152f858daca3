;;; insert-from-url.el --- Insert web pages as text, Markdown or Org, asynchronously  -*- lexical-binding: t; -*-

;; Copyright (C) 2026 The insert-from-url authors

;; Author: The insert-from-url authors
;; Maintainer: The insert-from-url authors
;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1"))
;; Keywords: convenience, hypermedia
;; URL: https://github.com/insert-from-url/insert-from-url
;; SPDX-License-Identifier: MIT

;; This file is not part of GNU Emacs.

;;; Commentary:

;; `insert-from-url' fetches a web page and inserts its content at point,
;; converted to the markup of the buffer: Org in `org-mode', Markdown in
;; `markdown-mode', the HTML itself in HTML and programming modes, and
;; plain text elsewhere.  The fetch runs in the background, in the
;; `insert-from-url' program (a Go binary that ships this file), so Emacs
;; never freezes, whatever the server does.  The text is decoded from the
;; page's charset, errors such as 404 insert nothing, and one `undo'
;; removes the whole insertion.
;;
;; Commands:
;;
;;   M-x insert-from-url         insert a page at point
;;                               (C-u asks for the format)
;;   M-x insert-from-url-article insert the main article, with its title and
;;                               metadata (in Org, as an entry)
;;   M-x insert-from-url-link    insert a link titled with the page's title,
;;                               or turn the URL at point into one (with
;;                               a region: every URL in it)
;;   M-x insert-from-url-view    read a page's article in a buffer of its own
;;                               (Org by default; q quits, g reloads)
;;   M-x insert-from-url-cancel  stop the fetches of the current buffer
;;   M-x insert-from-url-links-in-region
;;                               turn the URLs of the region into titled links
;;   M-x insert-from-url-entries-in-region
;;                               turn the URLs of the region into entries
;;                               with their articles (Org), or sections
;;                               (Markdown), in order, as they arrive
;;   M-x insert-from-url-wheel-undo-mode
;;                               Alt+wheel towards you undoes, away redoes
;;
;; For Lisp code, `insert-from-url-string' returns a page as a string.
;; A region's commands fetch all its pages in one run of the program,
;; `insert-from-url-link-parallel' at a time.
;;
;; Setup, with the program on `exec-path' (go install
;; github.com/insert-from-url/insert-from-url@latest):
;;
;;   (use-package insert-from-url
;;     :load-path "~/.emacs.d/lisp"
;;     :bind ("C-c i u" . insert-from-url)
;;     :demand t           ; so that the wheel mode is on from the start
;;     :config (insert-from-url-wheel-undo-mode 1))
;;
;; For `org-capture' (and org-protocol's bookmarklets), a template such as
;;
;;   ("w" "Web article" entry (file "~/notes/web.org")
;;    "%(insert-from-url-capture \"%:link\")" :immediate-finish t)
;;
;; files the page's article without making Emacs wait for it.
;;
;; A fetch that waits (`insert-from-url-string', a capture with
;; `insert-from-url-capture-async' nil) signals `insert-from-url-error',
;; or its sub-errors `insert-from-url-http-error' and
;; `insert-from-url-timeout-error', with the exit code, the kind of
;; failure, the HTTP status and the URL as data, which
;; `insert-from-url-error-get' reads:
;;
;;   (condition-case err
;;       (insert-from-url-string url "org")
;;     (insert-from-url-http-error
;;      (format "* Gone (HTTP %s)\n" (insert-from-url-error-get err :status)))
;;     (insert-from-url-error
;;      (format "* Not fetched: %s\n" (insert-from-url-error-get err :kind))))
;;
;; Emacs learns what happened from the program's records (JSON), not
;; from the wording of its messages.
;;
;; Loading this file binds no key; the wheel bindings live in the keymap of
;; `insert-from-url-wheel-undo-mode'.

;;; Code:

(require 'cl-lib)
(require 'seq)
(require 'subr-x)
(require 'thingatpt)

(declare-function org-current-level "org" ())
(declare-function outline-next-heading "outline" ())
(declare-function org-attach-dir "org-attach" (&optional create-if-not-exists-p no-fs-check))
(declare-function org-before-first-heading-p "org" ())
(declare-function org-at-heading-p "org" (&optional invisible-not-ok))
(declare-function org-back-to-heading "org" (&optional invisible-ok))
(declare-function org-outline-level "org" ())
(declare-function org-demote-subtree "org" ())
(declare-function org-attach-dir-from-id "org-attach" (id &optional try-all))
(declare-function org-id-new "org-id" (&optional prefix))
(declare-function org-display-inline-images "org" (&optional include-linked refresh beg end))
(declare-function markdown-display-inline-images "markdown-mode" ())
(declare-function json-read-from-string "json" (string))
(defvar json-object-type)
(defvar json-array-type)
(defvar json-key-type)
(defvar json-false)
(defvar json-null)

;;;; Customization

(defgroup insert-from-url nil
  "Insert the content of web pages into buffers."
  :group 'convenience
  :prefix "insert-from-url-"
  :link '(url-link "https://github.com/insert-from-url/insert-from-url"))

(defcustom insert-from-url-program "insert-from-url"
  "Name or file name of the insert-from-url program.
A bare name is looked up on the variable `exec-path'."
  :type 'string)

(defcustom insert-from-url-arguments nil
  "Extra command-line arguments for every run of the program.
For example \\='(\"-H\" \"Accept-Language: fr\")."
  :type '(repeat string))

(defcustom insert-from-url-timeout 60
  "Seconds a whole fetch may take before it is given up."
  :type 'number)

(defcustom insert-from-url-max-size (* 64 1024 1024)
  "Largest body, in bytes after decompression, that is inserted."
  :type 'integer)

(defcustom insert-from-url-format 'auto
  "Format of inserted pages.
`auto' chooses from the buffer's major mode: Org in Org mode,
Markdown in Markdown modes, the raw page in HTML, XML and
programming modes, and plain text elsewhere."
  :type '(choice (const :tag "From the major mode" auto)
                 (const :tag "Raw (the page as served, decoded)" raw)
                 (const :tag "Plain text" text)
                 (const :tag "Markdown" markdown)
                 (const :tag "Org" org)))

(defcustom insert-from-url-fill 'auto
  "Whether converted text is wrapped at `fill-column'.
nil leaves each paragraph on one line, t always wraps, and `auto'
wraps unless the buffer shows long lines wrapped at word boundaries
\\=(as `visual-line-mode' does): in a buffer that truncates lines, such
as an Org buffer by default (`org-startup-truncated'), a paragraph
on one line would be cut at the window's edge."
  :type '(choice (const :tag "Unless lines wrap at word boundaries" auto)
                 (const :tag "Never" nil)
                 (const :tag "Always" t)))

(defcustom insert-from-url-readable nil
  "When non-nil, `insert-from-url' inserts only the page's main article.
This is the reading mode of `insert-from-url-article', without the
title and metadata it puts first."
  :type 'boolean)

(defcustom insert-from-url-images nil
  "Where `insert-from-url' and `insert-from-url-article' store a page's images.
nil leaves the images as links to the site.  A folder name stores
them there, relative to the folder of the buffer's file (or to
`default-directory'): the links inserted point at the local files,
and Org and Markdown buffers show them inline.  `attach' stores
them in the attachment folder of the Org entry at point
\=(`org-attach-dir'), created when needed.  Images are stored only
in Org and Markdown, and only in a buffer whose folder is local."
  :type '(choice (const :tag "Keep remote links" nil)
                 (const :tag "The Org entry's attachment folder" attach)
                 (string :tag "Folder")))

(defcustom insert-from-url-render nil
  "Whether pages are loaded in a headless browser, for pages built by scripts.
nil fetches pages as they are served.  `auto' loads a page in the
browser only when, as served, it shows almost no text and carries
scripts (an application shell).  t always loads pages in the
browser (slower: a second or more a page).  The program finds
Chromium or Chrome on its PATH; the mode line says when a browser
is rendering."
  :type '(choice (const :tag "Never" nil)
                 (const :tag "When the page needs it" auto)
                 (const :tag "Always" t)))

(defcustom insert-from-url-view-images t
  "When non-nil, `insert-from-url-view' shows the article's images.
They are stored in a temporary folder, deleted with the buffer."
  :type 'boolean)

(defcustom insert-from-url-view-visual-line t
  "When non-nil, `insert-from-url-view' turns on `visual-line-mode'.
The article's paragraphs are then one line each, wrapped at word
boundaries to the window's width; when nil, they are wrapped at
`fill-column' as `insert-from-url-fill' says."
  :type 'boolean)

(defcustom insert-from-url-view-format 'org
  "Format of the article that `insert-from-url-view' shows."
  :type '(choice (const :tag "Org" org)
                 (const :tag "Markdown" markdown)
                 (const :tag "Plain text" text)))

(defcustom insert-from-url-link-parallel 4
  "How many pages one run of the program fetches at a time.
That is for `insert-from-url-links-in-region' and
`insert-from-url-entries-in-region', which fetch all the URLs of
the region in one run; the program fetches at most 2 at a time
from one host whatever this says."
  :type 'natnum)

(defconst insert-from-url--formats '("raw" "text" "markdown" "org")
  "Formats the program can produce for insertion.")

;;;; Running the program

(defun insert-from-url--link-base ()
  "Return the folder that relative links in the current buffer start from."
  (expand-file-name (if buffer-file-name
                        (file-name-directory buffer-file-name)
                      default-directory)))

(defun insert-from-url--images-arguments (format &optional new-entry-id)
  "Return the program's arguments that store images for FORMAT, or nil.
They follow `insert-from-url-images', for the current buffer.  With
NEW-ENTRY-ID, the images are for a new Org entry with that ID:
with `attach', they go to its attachment folder, and the entry at
point is left alone."
  (when (and insert-from-url-images (member format '("org" "markdown"))
             (not (file-remote-p (insert-from-url--link-base))))
    (let ((dir (if (eq insert-from-url-images 'attach)
                   (if (and new-entry-id (derived-mode-p 'org-mode) (require 'org-attach nil t))
                       (org-attach-dir-from-id new-entry-id)
                     (progn
                       (unless (and (derived-mode-p 'org-mode)
                                    (require 'org-attach nil t)
                                    (not (org-before-first-heading-p)))
                         (user-error "No Org entry here to attach images to; see `insert-from-url-images'"))
                       (org-attach-dir t)))
                 (expand-file-name insert-from-url-images (insert-from-url--link-base)))))
      (list "--images" dir "--images-relative-to" (insert-from-url--link-base)))))

(defun insert-from-url--show-images (start end)
  "Show the images linked between START and END, where the mode can."
  (cond ((and (derived-mode-p 'org-mode) (fboundp 'org-display-inline-images))
         (org-display-inline-images nil t start end))
        ((and (derived-mode-p 'markdown-mode) (fboundp 'markdown-display-inline-images))
         (markdown-display-inline-images))))

(defun insert-from-url--program ()
  "Return the absolute file name of the program, or signal a `user-error'."
  (or (and (file-name-absolute-p insert-from-url-program)
           (file-executable-p insert-from-url-program)
           insert-from-url-program)
      (executable-find insert-from-url-program)
      (user-error "Cannot find the program `%s': install it with `go install github.com/insert-from-url/insert-from-url@latest' or set `insert-from-url-program'"
                  insert-from-url-program)))

(defun insert-from-url--local-directory ()
  "Return a local directory that exists, for running the program in.
The buffer's `default-directory' may be remote or deleted, and
either breaks starting a process."
  (let ((dir default-directory))
    (if (and dir (not (file-remote-p dir)) (file-directory-p dir))
        dir
      (let ((tmp (and temporary-file-directory
                      (not (file-remote-p temporary-file-directory))
                      (file-directory-p temporary-file-directory)
                      temporary-file-directory)))
        (or tmp "/")))))

(defun insert-from-url--markdown-file-p ()
  "Return non-nil if the current buffer visits a Markdown file, whatever its mode.
Emacs has no mode of its own for .md files: without markdown-mode,
they open in Fundamental mode."
  (and buffer-file-name
       (string-match-p "\\.\\(?:md\\|markdown\\|mkd\\|mdown\\|mkdn\\)\\'" buffer-file-name)))

(defun insert-from-url--format-for-buffer ()
  "Return the format that fits the current buffer, as a string."
  (let ((format (if (eq insert-from-url-format 'auto)
                    (cond ((derived-mode-p 'org-mode) 'org)
                          ((or (derived-mode-p 'markdown-mode 'gfm-mode)
                               (insert-from-url--markdown-file-p))
                           'markdown)
                          ((insert-from-url--code-buffer-p) 'raw)
                          (t 'text))
                  insert-from-url-format)))
    (symbol-name format)))

(defun insert-from-url--base-level (format &optional at-point)
  "Return the outline level to nest FORMAT headings under, or nil.
That is the level of the current entry.  With AT-POINT, the text
goes at point: at the start of a heading line, which is where
\\[org-next-visible-heading] leaves point, it goes before the heading,
into the previous entry, and takes that entry's level."
  (when (and (equal format "org") (derived-mode-p 'org-mode)
             (fboundp 'org-current-level))
    (let ((level (save-excursion
                   (when (and at-point (bolp) (org-at-heading-p))
                     (if (bobp)
                         (setq at-point 'top)
                       (backward-char)))
                   (and (not (eq at-point 'top)) (org-current-level)))))
      (and level (> level 0) level))))

(defun insert-from-url--fill-p ()
  "Return non-nil if converted text is wrapped for the current buffer.
See `insert-from-url-fill'."
  (if (eq insert-from-url-fill 'auto)
      (or truncate-lines (not word-wrap))
    insert-from-url-fill))

(defun insert-from-url--arguments (url format &optional base-level extra)
  "Return the program's arguments to fetch URL in FORMAT.
URL is a string, or a list of them for one run that fetches them
all.  BASE-LEVEL, when non-nil, nests headings under that level.
EXTRA is a list of more arguments."
  (append (list "--silent" "--text-only" "--format" format
                "--max-time" (number-to-string insert-from-url-timeout)
                "--max-size" (number-to-string insert-from-url-max-size))
          (when base-level
            (list "--base-level" (number-to-string base-level)))
          (when (and (insert-from-url--fill-p) (not (member format '("raw" "title"))))
            (list "--width" (number-to-string fill-column)))
          (pcase insert-from-url-render
            ('nil nil)
            ('auto (list "--render=auto"))
            (_ (list "--render")))
          ;; The article of a plain-text note keeps its link URLs, as
          ;; references (the program's default drops them there).
          (when (and (equal format "text") (member "--readable" extra))
            (list "--links" "reference"))
          extra
          insert-from-url-arguments
          (cons "--" (if (listp url) url (list url)))))

(defun insert-from-url--stderr-lines (stderr)
  "Return the lines of STDERR, with the progress meter's redraws apart.
The meter draws each state after a carriage return and an erase."
  (split-string stderr "[\r\n]" t "[ \t\e]*\\(?:\\[K\\)?"))

(defconst insert-from-url--option-names
  '(("--max-time" . "`insert-from-url-timeout'")
    ("--max-size" . "`insert-from-url-max-size'")
    ("refused (--text-only)" . "not inserted")
    ("--connect-timeout" . "`insert-from-url-timeout'"))
  "Flags the program names in its messages, and what to say in Emacs.")

(defun insert-from-url--emacs-terms (message)
  "Return MESSAGE with the program's flags replaced by Emacs options."
  (dolist (pair insert-from-url--option-names message)
    (setq message (replace-regexp-in-string (regexp-quote (car pair)) (cdr pair) message t t))))

(defun insert-from-url--error-message (stderr code)
  "Return the message of a failed run: its error line in STDERR, or CODE."
  (let ((lines (insert-from-url--stderr-lines stderr)))
    (insert-from-url--emacs-terms
     (or (seq-find (lambda (l) (and (string-prefix-p "insert-from-url:" l)
                                    (not (string-prefix-p "insert-from-url: warning:" l))))
                   lines)
         (car (last lines))
         (if code
             (format "insert-from-url exited with code %s" code)
           "insert-from-url stopped before it was done")))))

(defconst insert-from-url--write-out "%{stderr}\n%{json}\n"
  "What the program writes on stderr after each page: its record.
That is one JSON object on a line of its own, after the progress
meter's last redraw and before the program's error line, if any.
The page's text never goes to stderr, so a page cannot forge it.")

(defun insert-from-url--parse-json (string)
  "Return the JSON object in STRING as a plist, or nil for anything else.
Keys are keywords, arrays lists, and null and false nil."
  (condition-case nil
      (let ((value (if (fboundp 'json-parse-string)
                       (json-parse-string string :object-type 'plist :array-type 'list
                                          :null-object nil :false-object nil)
                     ;; Emacs 27 to 29 built without libjansson.
                     (require 'json)
                     (let ((json-object-type 'plist) (json-array-type 'list)
                           (json-key-type 'keyword) (json-false nil) (json-null nil))
                       (json-read-from-string string)))))
        (and (consp value) (keywordp (car value)) value))
    (error nil)))

(defun insert-from-url--record-lines (lines)
  "Return the write-out records among LINES of stderr, as plists, in order.
A record is a line that starts with \"{\" and holds a JSON object
with an exit code; the meter and the program's messages never
start so."
  (delq nil (mapcar (lambda (l)
                      (and (string-prefix-p "{" l)
                           (let ((r (insert-from-url--parse-json l)))
                             (and (plist-member r :exitcode) r))))
                    lines)))

(defun insert-from-url--stderr-record (stderr)
  "Return the write-out record of a one-page run's STDERR, or nil.
That is the last one: a run writes one, and none after a usage error."
  (car (last (insert-from-url--record-lines (insert-from-url--stderr-lines stderr)))))

(defun insert-from-url--converted-p (record)
  "Return non-nil if, by its write-out RECORD, an HTML page was converted."
  (eql (plist-get record :converted) 1))

(defun insert-from-url--record-warnings (record)
  "Return the warnings of a RECORD, each as a line of the program's."
  (mapcar (lambda (w) (concat "insert-from-url: warning: " (insert-from-url--clean-message w)))
          (seq-filter #'stringp (plist-get record :warnings))))

(defun insert-from-url--warnings (stderr)
  "Return the warning lines of a run's STDERR, for a run without a record."
  (seq-filter (lambda (l) (string-prefix-p "insert-from-url: warning:" l))
              (insert-from-url--stderr-lines stderr)))

;;;; Errors

(define-error 'insert-from-url-error "Fetch failed")
(define-error 'insert-from-url-http-error "Fetch failed with an HTTP error" 'insert-from-url-error)
(define-error 'insert-from-url-timeout-error "Fetch timed out" 'insert-from-url-error)

(defun insert-from-url-error-get (error property)
  "Return PROPERTY of ERROR, a failed fetch as `condition-case' binds it.
Fetches that wait (`insert-from-url-string', and
`insert-from-url-capture' when it waits) signal
`insert-from-url-error', or one of its sub-errors
`insert-from-url-http-error' (an HTTP status of 400 or more) and
`insert-from-url-timeout-error'.  The data of ERROR is
  (ERROR-SYMBOL MESSAGE . PROPERTIES)
where MESSAGE is what the echo area shows and PROPERTIES a plist:
  :url        the URL asked for
  :exit-code  the program's exit code, which follows curl's (22 an
              HTTP error, 28 a timeout, 63 too large, ...); nil
              when the program did not end by itself
  :kind       a symbol that names the failure: `http', `timeout',
              `too-large', `binary-refused', `resolve', `connect',
              `tls', `certificate', `bad-url', `no-article',
              `browser', `usage', `other', ...; nil when unknown
  :status     the HTTP status, nil when no response came
For example, in a capture template:
  (condition-case err (insert-from-url-string url \"org\")
    (insert-from-url-http-error
     (format \"Gone (HTTP %s)\" (insert-from-url-error-get err :status))))"
  (plist-get (cddr error) property))

(defconst insert-from-url--exit-kinds
  '((1 . other) (2 . usage) (3 . bad-url) (6 . resolve) (7 . connect) (18 . partial)
    (22 . http) (23 . binary-refused) (28 . timeout) (35 . tls) (37 . read-file)
    (47 . too-many-redirects) (60 . certificate) (61 . encoding) (63 . too-large)
    (64 . no-match) (65 . no-article) (66 . browser) (130 . interrupted))
  "The kind of failure of each exit code, for runs whose record names none.
Code 23 is also a failed write, but Emacs has the program write
to a new temporary file, and passes --text-only.")

(defconst insert-from-url--kind-hints
  '((timeout . "`insert-from-url-timeout'")
    (too-large . "`insert-from-url-max-size'")
    (binary-refused . "not inserted"))
  "What an error message says, by kind of failure, unless it says so already.")

(defun insert-from-url--failure (url code kind message &optional status)
  "Return the error condition of a failed fetch of URL.
CODE is the exit code, KIND the kind of failure (a symbol or nil),
MESSAGE the program's message and STATUS the HTTP status (0 or nil
for none).  The message names Emacs options, not the program's
flags, and the option that KIND points to.  See
`insert-from-url-error-get' for the condition's shape."
  (let ((message (insert-from-url--emacs-terms (insert-from-url--clean-message message)))
        (hint (cdr (assq kind insert-from-url--kind-hints))))
    (unless (string-prefix-p "insert-from-url" message)
      (setq message (concat "insert-from-url: " message)))
    (when (and hint (not (string-match-p (regexp-quote hint) message)))
      (setq message (format "%s (%s)" message hint)))
    (list (pcase kind
            ('http 'insert-from-url-http-error)
            ('timeout 'insert-from-url-timeout-error)
            (_ 'insert-from-url-error))
          message :url url :exit-code code :kind kind
          :status (and (integerp status) (> status 0) status))))

(defun insert-from-url--run-failure (url code record stderr)
  "Return the error condition of a one-page run for URL that failed.
CODE is its exit code, nil if it was killed; RECORD its write-out
record, or nil when it wrote none, and then its STDERR gives the
message."
  (let ((message (plist-get record :errormsg)))
    (insert-from-url--failure
     url code (cdr (assq code insert-from-url--exit-kinds))
     (if (and (stringp message) (not (string-empty-p message)))
         message
       (insert-from-url--error-message stderr code))
     (plist-get record :http_code))))

(defun insert-from-url--page-failure (url record)
  "Return the error condition of the page of URL whose --json RECORD failed."
  (let* ((err (plist-get record :error))
         (code (plist-get err :exit_code))
         (kind (plist-get err :kind)))
    (insert-from-url--failure
     url code
     (if (and (stringp kind) (not (string-empty-p kind)))
         (intern kind)
       (cdr (assq code insert-from-url--exit-kinds)))
     (let ((m (plist-get err :message)))
       (if (and (stringp m) (not (string-empty-p m))) m
         (format "insert-from-url exited with code %s" code)))
     (plist-get record :status))))

(defconst insert-from-url--control-regexp
  "[\0-\b\v\r\x0e-\x1f\x7f\u0080-\u009f]"
  "Characters that never reach a buffer (ESC, in \"\\x0e-\\x1f\", included).")

(defun insert-from-url--clean-message (message)
  "Return MESSAGE, from the program, without control characters."
  (replace-regexp-in-string insert-from-url--control-regexp "" message t t))

(defconst insert-from-url--escape-regexp
  "\e\\(?:\\[[0-?]*[ -/]*[@-~]\\|[]PX^_][^\a\e\n]*\\(?:\a\\|\e\\\\\\)\\|[ -/]+[0-~]\\|.\\)"
  "An escape sequence.
That is a control sequence (CSI), a string (OSC, DCS, ...) with
its terminator (BEL or ST) on the same line, ESC, intermediate
bytes and a final byte (such as ESC ( B), or ESC and one
character.  A string left open loses only ESC and its introducer:
it must not swallow the text after it.")

(defconst insert-from-url--bidi-regexp
  "[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
  "Bidirectional controls: marks, embeddings, overrides and isolates.
In code they make the text show in another order than it runs.")

(defun insert-from-url--clean-buffer (&optional strip-bidi)
  "Make the current buffer's text fit for the user's buffer.
Line ends become LF, and escape sequences and control characters
other than tab, newline and form feed are removed: a page must not
put invisible commands into the user's text.  With STRIP-BIDI,
bidirectional controls go too, for text meant for code (raw pages,
programming modes), where they would hide what the code does.  A
clean text, the usual case, costs one search each."
  (goto-char (point-min))
  (when (re-search-forward insert-from-url--control-regexp nil t)
    (dolist (re (list "\r\n" insert-from-url--escape-regexp insert-from-url--control-regexp))
      (goto-char (point-min))
      (while (re-search-forward re nil t)
        (replace-match (if (equal re "\r\n") "\n" "") t t))))
  (when strip-bidi
    (goto-char (point-min))
    (while (re-search-forward insert-from-url--bidi-regexp nil t)
      (replace-match "" t t))))

(defun insert-from-url--insert-utf-8-file (file)
  "Insert the bytes of FILE at point, decoded as UTF-8.
The file is read literally: no `format-decode' (a text that starts
with \"Content-Type: text/enriched\" stays text, without the faces,
`display' and `read-only' properties it would ask for), no
`after-insert-file-functions', no file name handler, no guess of
the coding system.  The text has no properties."
  (let ((bytes (cadr (insert-file-contents-literally file))))
    (decode-coding-region (point) (+ (point) bytes) 'utf-8)))

(defun insert-from-url--progress (stderr)
  "Return the last state of the progress meter drawn in STDERR, or nil."
  (car (last (seq-remove (lambda (l) (or (string-prefix-p "insert-from-url" l)
                                         (string-prefix-p "{" l)))
                         (insert-from-url--stderr-lines stderr)))))

;;;; Asynchronous fetches

(defvar-local insert-from-url--processes nil
  "Processes fetching for the current buffer.")

(defvar-local insert-from-url--pending nil
  "Places where fetches wait to insert, in the order they started.
Each is (MARKER . ORIGIN), from `insert-from-url--new-place'.")

(defun insert-from-url--read-output (file &optional strip-bidi)
  "Return the text of FILE, UTF-8, cleaned for a buffer.
STRIP-BIDI is as for `insert-from-url--clean-buffer'."
  (with-temp-buffer
    (insert-from-url--insert-utf-8-file file)
    (insert-from-url--clean-buffer strip-bidi)
    (buffer-string)))

(defun insert-from-url--code-buffer-p ()
  "Return non-nil for a buffer of code or markup source."
  (derived-mode-p 'html-mode 'mhtml-mode 'sgml-mode 'web-mode
                  'nxml-mode 'xml-mode 'prog-mode))

(defun insert-from-url--strip-bidi-p (format)
  "Return non-nil if text in FORMAT loses its bidirectional controls here.
They go from raw pages, from titles and from any text for a buffer
of code; prose in text, Markdown and Org keeps them."
  (or (member format '("raw" "title")) (insert-from-url--code-buffer-p)))

(defun insert-from-url--stderr-filter (process chunk)
  "Keep CHUNK of stderr in PROCESS's buffer, and its meter apart.
The mode line shows the meter's last state, without reading the
whole of stderr again on each redraw."
  (when (buffer-live-p (process-buffer process))
    (with-current-buffer (process-buffer process)
      (goto-char (point-max))
      (insert chunk)))
  (let ((owner (process-get process 'insert-from-url-fetch)))
    (when (process-live-p owner)
      (when-let ((meter (insert-from-url--progress (decode-coding-string chunk 'utf-8 t))))
        (process-put owner 'insert-from-url-meter meter)))
    (when-let ((more (and owner (process-get owner 'insert-from-url-on-stderr))))
      (funcall more))))

(defun insert-from-url--launch (args on-exit &optional output filter)
  "Start the program with ARGS for the current buffer, and return the process.
Its stderr goes to a hidden unibyte buffer, the process's property
`insert-from-url-stderr', and its progress meter to the mode line.
OUTPUT, a buffer, and FILTER, a process filter, take its stdout.
ON-EXIT is called with the process once, when the program and its
stderr are both done, cancelled or not; the stderr buffer and
OUTPUT are killed after it."
  (let* ((program (insert-from-url--program))
         (default-directory (insert-from-url--local-directory))
         (owner (current-buffer))
         (err (generate-new-buffer " *insert-from-url-stderr*"))
         (done nil)
         process stderr-process)
    (with-current-buffer err (set-buffer-multibyte nil))
    (let ((finish
           (lambda ()
             ;; Both the program and its stderr pipe must be done: the
             ;; last line of stderr may arrive after the exit.
             (when (and (not done) process
                        (memq (process-status process) '(exit signal))
                        (not (process-live-p stderr-process)))
               (setq done t)
               (unwind-protect
                   (progn
                     (when (buffer-live-p owner)
                       (with-current-buffer owner
                         (setq insert-from-url--processes
                               (delq process insert-from-url--processes))
                         (insert-from-url--update-mode-line)))
                     (funcall on-exit process))
                 (kill-buffer err)
                 (when (buffer-live-p output) (kill-buffer output)))))))
      (setq stderr-process
            (make-pipe-process :name "insert-from-url-stderr"
                               :buffer err
                               :coding 'binary
                               :noquery t
                               :filter #'insert-from-url--stderr-filter
                               :sentinel (lambda (_p _e) (funcall finish))))
      (condition-case e
          (setq process
                (make-process :name "insert-from-url"
                              :command (cons program args)
                              :buffer output
                              :filter filter
                              :coding 'binary
                              :connection-type 'pipe
                              :stderr stderr-process
                              :noquery t
                              :sentinel (lambda (_p _e) (funcall finish))))
        (error
         (delete-process stderr-process)
         (kill-buffer err)
         (when (buffer-live-p output) (kill-buffer output))
         (signal (car e) (cdr e))))
      (process-put stderr-process 'insert-from-url-fetch process)
      (process-put process 'insert-from-url-owner owner)
      (process-put process 'insert-from-url-stderr err)
      (add-hook 'kill-emacs-hook #'insert-from-url--kill-emacs)
      (push process insert-from-url--processes)
      (add-hook 'kill-buffer-hook #'insert-from-url--stop-fetches nil t)
      (insert-from-url--update-mode-line)
      process)))

(defun insert-from-url--stderr-text (process)
  "Return what PROCESS wrote on stderr so far, decoded."
  (let ((err (process-get process 'insert-from-url-stderr)))
    (if (buffer-live-p err)
        (with-current-buffer err (decode-coding-string (buffer-string) 'utf-8 t))
      "")))

(defun insert-from-url--report-failure (error)
  "Show the message of ERROR, a failed fetch's condition, and log it."
  (insert-from-url--report (cadr error)))

(cl-defun insert-from-url--start (url &key (format "raw") base-level args then else)
  "Fetch URL in FORMAT in the background, and return the process.
FORMAT is one of `insert-from-url--formats' or \"title\" (the
default is \"raw\"); BASE-LEVEL, when non-nil, nests headings under
that level; ARGS is a list of more arguments for the program.
On success, THEN is called with the decoded text, cleaned for a
buffer, and the run's record: a plist of the program's write-out
variable %{json} (:url_effective, :http_code, :content_type,
:media_type, :converted, 1 for an HTML page converted to FORMAT,
:title, :page_type, :warnings and more), or nil if the program
wrote none.  On failure, ELSE is called with the error condition,
as `condition-case' would bind it (see `insert-from-url-error-get');
by default its message is shown.  Neither is called when the
fetch is cancelled.  The program's warnings are shown after THEN.
The program writes the text to a temporary file, which Emacs reads
in one go once the program is done: much faster than reading a
pipe in small chunks, and nothing arrives half-written."
  (let* ((file (make-temp-file "insert-from-url" nil ".out"))
         (strip-bidi (insert-from-url--strip-bidi-p format))
         (process
          (condition-case e
              (insert-from-url--launch
               (insert-from-url--arguments
                url format base-level
                ;; The meter, for the mode line, and the record.
                (append (list "--progress" "-o" file "--write-out" insert-from-url--write-out)
                        args))
               (lambda (process)
                 (unwind-protect
                     (unless (process-get process 'insert-from-url-cancelled)
                       (let* ((code (process-exit-status process))
                              (stderr (insert-from-url--stderr-text process))
                              (record (insert-from-url--stderr-record stderr)))
                         (if (and (eq (process-status process) 'exit) (eq code 0))
                             (progn
                               (funcall then (insert-from-url--read-output file strip-bidi) record)
                               (when-let ((warnings (if record
                                                        (insert-from-url--record-warnings record)
                                                      (insert-from-url--warnings stderr))))
                                 ;; After the success message, which it must not hide.
                                 (insert-from-url--report-warnings url warnings)))
                           (funcall (or else #'insert-from-url--report-failure)
                                    (insert-from-url--run-failure
                                     url (and (eq (process-status process) 'exit) code)
                                     record stderr)))))
                   (ignore-errors (delete-file file)))))
            (error (ignore-errors (delete-file file))
                   (signal (car e) (cdr e))))))
    (process-put process 'insert-from-url-url url)
    (process-put process 'insert-from-url-file file)
    process))

(defun insert-from-url--take-lines (buffer from)
  "Return (LINES . END): the whole lines of BUFFER from position FROM on.
LINES are decoded from UTF-8, without their newline; END is where
the first line not yet whole starts."
  (with-current-buffer buffer
    (save-excursion
      (goto-char from)
      (let (lines)
        (while (search-forward "\n" nil t)
          (push (decode-coding-string (buffer-substring-no-properties from (1- (point))) 'utf-8 t)
                lines)
          (setq from (point)))
        (cons (nreverse lines) from)))))

(cl-defun insert-from-url--start-batch (urls &key (format "raw") base-level args each then finally)
  "Fetch URLS in FORMAT in one run of the program, in the background.
The program fetches `insert-from-url-link-parallel' pages at once
\(at most 2 from one host) and writes a JSON record a line for
each page, in the order of URLS.  FORMAT, BASE-LEVEL and ARGS are
as for `insert-from-url--start'.
EACH is called for every page, in the order of URLS, as soon as it
and the pages before it are in, with three arguments: the page's
index in URLS; its --json record, a plist (:input, :url, :status,
:title, :author, :site, :date, :page_type, :format, :content,
:warnings, and :error on failure, see `insert-from-url--page-failure');
and its write-out record (as THEN of `insert-from-url--start' gets
it), or nil when none came.  A page the program wrote no record
for (it stopped, or refused its arguments) gets a record with
:error all the same.  THEN, if given, is called with no argument
after the last page, and FINALLY, if given, at the very end, after
a cancel too.  Text is not cleaned.  Return the process; its
property `insert-from-url-pages-left' counts the pages not handed
to EACH yet."
  (let* ((n (length urls))
         (inputs (vconcat urls))
         (index 0)                        ; the next page for EACH
         (records nil)                    ; --json records not handed yet
         (pages nil)                      ; write-out records not matched yet
         (err-pos 1)
         (out (generate-new-buffer " *insert-from-url-batch*"))
         process
         (hand
          (lambda (record page)
            (let ((i index))
              (setq index (1+ index))
              (process-put process 'insert-from-url-pages-left (- n index))
              (unless (process-get process 'insert-from-url-cancelled)
                (with-demoted-errors "insert-from-url: %S"
                  (funcall each i record page))))))
         (drain
          (lambda (final)
            (when (buffer-live-p out)
              (let ((taken (insert-from-url--take-lines out 1)))
                (with-current-buffer out (delete-region 1 (cdr taken)))
                (dolist (line (car taken))
                  (setq records
                        (nconc records
                               (list (or (insert-from-url--parse-json line)
                                         (list :error (list :exit_code nil :kind "other"
                                                            :message "unreadable record")))))))))
            (let ((err (process-get process 'insert-from-url-stderr)))
              (when (buffer-live-p err)
                (let ((taken (insert-from-url--take-lines err err-pos)))
                  (setq err-pos (cdr taken))
                  (dolist (line (car taken))
                    (setq pages (nconc pages (insert-from-url--record-lines
                                              (insert-from-url--stderr-lines line))))))))
            (let ((wait nil))
              (while (and records (not wait) (< index n))
                (let* ((record (car records))
                       (ok (not (plist-get record :error)))
                       (match (and ok (cl-position (plist-get record :url) pages
                                                   :key (lambda (p) (plist-get p :url_effective))
                                                   :test #'equal))))
                  ;; A page's write-out record may come after its
                  ;; --json one: stdout and stderr are two pipes.
                  (if (and ok (not match) (not final))
                      (setq wait t)
                    (setq records (cdr records))
                    (let ((page (and match (nth match pages))))
                      (when match (setq pages (nthcdr (1+ match) pages)))
                      (funcall hand record page)))))))))
    (with-current-buffer out (set-buffer-multibyte nil))
    (setq process
          (insert-from-url--launch
           (insert-from-url--arguments
            urls format base-level
            (append (list "--progress" "--json"
                          "--parallel" (number-to-string (max 1 insert-from-url-link-parallel))
                          "--write-out" insert-from-url--write-out)
                    args))
           (lambda (process)
             (unwind-protect
                 (unless (process-get process 'insert-from-url-cancelled)
                   (funcall drain t)
                   (when (< index n)
                     ;; The program stopped short: the rest fail as it did.
                     (let* ((code (and (eq (process-status process) 'exit)
                                       (process-exit-status process)))
                            (stderr (insert-from-url--stderr-text process))
                            (failure (insert-from-url--run-failure
                                      nil code (insert-from-url--stderr-record stderr) stderr)))
                       (while (< index n)
                         (funcall hand
                                  (list :input (aref inputs index) :url (aref inputs index)
                                        :error (list :exit_code code
                                                     :kind (symbol-name (or (insert-from-url-error-get failure :kind)
                                                                            'other))
                                                     :message (cadr failure)))
                                  nil))))
                   (when then (funcall then)))
               (when finally (funcall finally))))
           out
           (lambda (_process chunk)
             (when (buffer-live-p out)
               (with-current-buffer out
                 (goto-char (point-max))
                 (insert chunk)))
             (funcall drain nil))))
    (process-put process 'insert-from-url-pages-left n)
    (process-put process 'insert-from-url-on-stderr (lambda () (funcall drain nil)))
    process))

(defun insert-from-url--kill-emacs ()
  "Stop every fetch and delete the temporary files and folders, as Emacs exits.
That is the output file of each fetch in flight and the image
folder of each `insert-from-url-view' buffer: `kill-buffer-hook'
does not run at exit."
  (dolist (p (process-list))
    (when (process-get p 'insert-from-url-owner)
      (process-put p 'insert-from-url-cancelled t)
      (when (process-live-p p)
        (delete-process p))
      (when-let ((file (process-get p 'insert-from-url-file)))
        (ignore-errors (delete-file file)))))
  (dolist (b (buffer-list))
    (when (buffer-local-value 'insert-from-url--view-images b)
      (with-current-buffer b
        (insert-from-url--view-delete-images)))))

(defun insert-from-url--stop-fetches ()
  "Stop the fetches of the current buffer, without a word."
  (dolist (p insert-from-url--processes)
    (process-put p 'insert-from-url-cancelled t)
    (when (process-live-p p)
      (delete-process p)))
  (setq insert-from-url--processes nil)
  (let ((places insert-from-url--pending))
    (setq insert-from-url--pending nil)
    (mapc #'insert-from-url--forget-place places)))

(defconst insert-from-url-log-buffer "*insert-from-url-log*"
  "Name of the buffer that keeps the messages of fetches.")

(defun insert-from-url--log (message)
  "Add MESSAGE to the log buffer, with the time."
  (with-current-buffer (get-buffer-create insert-from-url-log-buffer)
    (let ((inhibit-read-only t))
      (goto-char (point-max))
      (insert (format-time-string "%F %T ") message "\n"))))

(defun insert-from-url--report-warnings (url warnings)
  "Log each of the WARNINGS of a fetch of URL, and show them in one line.
Each logged warning names URL.  One warning shows as it is; more
show as a count, such as \"3 images not stored\", that points to
the log."
  (let ((named (mapcar (lambda (w) (if (string-match-p (regexp-quote url) w) w
                                     (format "%s (%s)" w url)))
                       warnings)))
    (if (null (cdr named))
        (insert-from-url--report (car named))
      (mapc #'insert-from-url--log named)
      (let* ((images (seq-count (lambda (w) (string-match-p "image not stored" w)) warnings))
             (others (- (length warnings) images)))
        (message "insert-from-url: %s; see %s"
                 (string-join
                  (delq nil (list (and (> images 0)
                                       (format "%d image%s not stored" images (if (= images 1) "" "s")))
                                  (and (> others 0)
                                       (format "%d warning%s" others (if (= others 1) "" "s")))))
                  " and ")
                 insert-from-url-log-buffer)))))

(defun insert-from-url--report (message)
  "Show MESSAGE, an error or a warning of a fetch, and log it."
  (insert-from-url--log message)
  (message "%s" message))

;;;; Progress in the mode line

(defvar insert-from-url--mode-line-timer nil
  "Timer that refreshes the mode lines of buffers with fetches.")

(defun insert-from-url--mode-line-string ()
  "Return the mode-line text for the current buffer's fetches.
It shows the program's progress meter: bytes received, rate, and
percent when the size is known, once a fetch lasts over a second."
  (when insert-from-url--processes
    (let ((meter (process-get (car insert-from-url--processes) 'insert-from-url-meter)))
      (format " [fetching%s%s]"
              (if (cdr insert-from-url--processes)
                  (format " %d" (length insert-from-url--processes))
                "")
              (if meter
                  (concat " " (replace-regexp-in-string "%" "%%" (replace-regexp-in-string "  +" " " meter) t t))
                "")))))

(defconst insert-from-url--mode-line-entry
  '(:eval (insert-from-url--mode-line-string))
  "Entry of `mode-line-misc-info' that shows fetches in flight.")

(defun insert-from-url--any-fetching-p ()
  "Return non-nil if any buffer has a fetch in flight."
  (seq-some (lambda (b) (buffer-local-value 'insert-from-url--processes b))
            (buffer-list)))

(defun insert-from-url--update-mode-line ()
  "Show or hide the fetch indicator, and refresh it while it is shown.
Fetches whose buffer is gone are stopped: `kill-buffer-hook' stops
them at once, but buffers made to run no hooks (temporary buffers)
leave it to this."
  (dolist (p (process-list))
    (let ((owner (process-get p 'insert-from-url-owner)))
      (when (and owner (not (buffer-live-p owner)) (process-live-p p))
        (process-put p 'insert-from-url-cancelled t)
        (delete-process p))))
  (cond
   ((insert-from-url--any-fetching-p)
    (unless (member insert-from-url--mode-line-entry mode-line-misc-info)
      (push insert-from-url--mode-line-entry mode-line-misc-info))
    (unless insert-from-url--mode-line-timer
      (setq insert-from-url--mode-line-timer
            (run-at-time 1 1 #'insert-from-url--update-mode-line))))
   (t
    (setq mode-line-misc-info (delete insert-from-url--mode-line-entry mode-line-misc-info))
    (when insert-from-url--mode-line-timer
      (cancel-timer insert-from-url--mode-line-timer)
      (setq insert-from-url--mode-line-timer nil))))
  (force-mode-line-update t))

;;;; Reading arguments

(defun insert-from-url--url-like-p (string)
  "Return non-nil for a STRING that is a URL."
  (and (stringp string)
       (string-match-p "\\`[ \t\n]*\\(?:https?://\\|www\\.\\)[^ \t\n]+[ \t\n]*\\'" string)))

(defun insert-from-url--default-url ()
  "Return the URL at point, else the active region, else the latest kill.
A URL in an Org or Markdown link at point is that link's target."
  (or (car (insert-from-url--link-around-point))
      (insert-from-url--url-at-point)
      (and (use-region-p)
           (string-trim (buffer-substring-no-properties (region-beginning) (region-end))))
      (let ((kill (ignore-errors (current-kill 0 t))))
        (and (insert-from-url--url-like-p kill) (string-trim kill)))))

(defconst insert-from-url--link-regexps
  '("\\[\\[\\([^]]+\\)\\]\\(?:\\[[^]]*\\]\\)?\\]"
    "\\[[^]\n]*\\](\\([^) \n]+\\))")
  "Org and Markdown links: the first group is the URL.")

(defun insert-from-url--link-around-point ()
  "Return (TARGET START . END) of the Org or Markdown link at point, or nil."
  (save-excursion
    (let ((pos (point)) found)
      (dolist (re insert-from-url--link-regexps found)
        (goto-char (line-beginning-position))
        (while (and (not found) (re-search-forward re (line-end-position) t))
          (when (and (<= (match-beginning 0) pos) (<= pos (match-end 0)))
            (setq found (cons (match-string-no-properties 1)
                              (cons (match-beginning 0) (match-end 0))))))))))

(defun insert-from-url--read-url (prompt)
  "Read a URL with PROMPT, offering the URL near point as default."
  (let* ((default (insert-from-url--default-url))
         (url (read-string (if default (format "%s (default %s): " prompt default)
                             (concat prompt ": "))
                           nil nil default)))
    (when (string-empty-p (string-trim url))
      (user-error "No URL given"))
    (string-trim url)))

(defun insert-from-url--read-format ()
  "Read a format name."
  (let ((default (insert-from-url--format-for-buffer)))
    (completing-read (format "Format (default %s): " default)
                     insert-from-url--formats nil t nil nil default)))

;;;; Inserting

(defun insert-from-url--interactive (prompt)
  "Return the arguments of an inserting command, read with PROMPT.
A prefix argument asks for the format too."
  (barf-if-buffer-read-only)
  (insert-from-url--program) ; a missing program, before any prompt
  (list (insert-from-url--read-url prompt)
        (and current-prefix-arg (insert-from-url--read-format))))

(defun insert-from-url--new-place (pos)
  "Return a new place for a fetch to insert at POS, and record it.
The place is (MARKER . ORIGIN).  MARKER advances over text typed
at it, so that the fetched text goes after what the user types
there and the typed text stays whole; ORIGIN does not, so the two
differ once something was typed there."
  (let ((place (cons (copy-marker pos t) (copy-marker pos))))
    (setq insert-from-url--pending (append insert-from-url--pending (list place)))
    place))

(defun insert-from-url--forget-place (place)
  "Drop PLACE from its buffer's waiting fetches, and free its markers."
  (let ((buffer (marker-buffer (car place))))
    (when (buffer-live-p buffer)
      (with-current-buffer buffer
        (setq insert-from-url--pending (delq place insert-from-url--pending)))))
  (set-marker (car place) nil)
  (set-marker (cdr place) nil))

(defun insert-from-url--block-position (pos)
  "Return where lines of their own meant for POS go.
That is POS at the start of a line, else the start of the next
line or the end of the buffer: the line at POS stays whole."
  (save-excursion
    (goto-char pos)
    (if (bolp) pos (forward-line 1) (point))))

(defun insert-from-url--block-text (pos text)
  "Return TEXT as lines of their own for POS.
It starts on a line of its own, and ends with a newline when text
follows POS."
  (save-excursion
    (goto-char pos)
    (concat (if (bolp) "" "\n")
            text
            (if (or (eobp) (string-suffix-p "\n" text)) "" "\n"))))

(defun insert-from-url--insert-at (place text &optional block also)
  "Insert TEXT at PLACE as one undo step, in PLACE's buffer.
PLACE is from `insert-from-url--new-place'; its markers are freed.
TEXT goes after what was typed at PLACE while it was fetched: the
typed text stays whole.  With BLOCK, TEXT is lines of their own:
it goes at the start of the line after PLACE's, so that the line
is not split, and ends with a newline when text follows.
Point, and the point of each window on the buffer, follow the text
when they are where the command ran and nothing was typed there;
elsewhere, after text typed there too, they stay, and so do the
windows.  Narrowing does not move the insertion, and fetches
waiting at the same place go before or after TEXT in the order
they started.  In a buffer that became read-only, TEXT goes to the
kill ring instead.  ALSO, if given, is called once TEXT is in,
with the buffer widened, and what it changes is part of the same
undo step.  Return (START . END) of the inserted text, or nil."
  (let* ((marker (car place))
         (buffer (marker-buffer marker))
         inserted)
    (when (buffer-live-p buffer)
      (with-current-buffer buffer
        (let ((later (cdr (memq place insert-from-url--pending))))
          (setq insert-from-url--pending (delq place insert-from-url--pending))
          (if buffer-read-only
              (progn
                (kill-new text)
                (insert-from-url--report
                 (format "insert-from-url: %s is read-only now; the text is in the kill ring"
                         (buffer-name))))
            (save-restriction
              (widen)
              (let* ((anchor (marker-position marker))
                     (typed (/= anchor (cdr place)))
                     (pos (if block (insert-from-url--block-position anchor) anchor))
                     (text (if block (insert-from-url--block-text pos text) text))
                     (end (+ pos (length text)))
                     (follow (and (not typed) (= (point) anchor)))
                     (windows (and (not typed)
                                   (seq-filter (lambda (w) (= (window-point w) anchor))
                                               (get-buffer-window-list buffer nil t))))
                     ;; Other fetches waiting where TEXT goes, with
                     ;; where they were and whether they were typed at.
                     (here (delq nil (mapcar (lambda (p)
                                               (when (memql (marker-position (car p)) (list anchor pos))
                                                 (list p (marker-position (car p))
                                                       (= (car p) (cdr p)))))
                                             insert-from-url--pending))))
                (undo-boundary)
                (save-excursion
                  (goto-char pos)
                  (insert text))
                (dolist (h here)
                  (let ((to (if (memq (car h) later) end (nth 1 h))))
                    (set-marker (car (car h)) to)
                    (when (nth 2 h) (set-marker (cdr (car h)) to))))
                (when also
                  (let ((bounds (cons (copy-marker pos) (copy-marker end))))
                    (save-excursion (funcall also))
                    (setq pos (marker-position (car bounds))
                          end (marker-position (cdr bounds)))
                    (set-marker (car bounds) nil)
                    (set-marker (cdr bounds) nil)))
                (undo-boundary)
                (when follow (goto-char end))
                (dolist (w windows) (set-window-point w end))
                (setq inserted (cons pos end))))))))
    (set-marker marker nil)
    (set-marker (cdr place) nil)
    inserted))

;;;###autoload
(defun insert-from-url (url &optional format)
  "Insert the content of URL at point, without blocking Emacs.
FORMAT is \"raw\", \"text\", \"markdown\" or \"org\"; by default it
comes from `insert-from-url-format'.  Interactively, a prefix
argument asks for it.  The text arrives at the position where the
command ran, as one undo step; on failure nothing is inserted and
the error shows in the echo area.  With `insert-from-url-readable',
only the page's main article is inserted."
  (interactive (insert-from-url--interactive "Insert from URL"))
  (barf-if-buffer-read-only)
  (let ((format (or format (insert-from-url--format-for-buffer))))
    (insert-from-url--fetch-and-insert
     url format (insert-from-url--base-level format t)
     (append (and insert-from-url-readable '("--readable"))
             (insert-from-url--images-arguments format)))))

;;;###autoload
(defun insert-from-url-article (url &optional format)
  "Insert the main article of URL at point, after its title and metadata.
Navigation, banners and footers are left out.  In Org, the article
becomes an entry under the current heading: the title as heading,
a property drawer with the URL, date and author, and the article's
own headings below.  FORMAT is as for `insert-from-url'."
  (interactive (insert-from-url--interactive "Insert article from URL"))
  (barf-if-buffer-read-only)
  (let* ((format (or format (insert-from-url--format-for-buffer)))
         (entry (and (equal format "org") (derived-mode-p 'org-mode)))
         (level (and entry (or (insert-from-url--base-level format) 0)))
         ;; Images attached to the new entry need its ID now.
         (id (and entry (eq insert-from-url-images 'attach) (require 'org-id nil t)
                  (org-id-new)))
         (images (insert-from-url--images-arguments format id)))
    (save-excursion
      (when (and entry (> level 0))
        ;; A child entry goes after its parent's own text, before the
        ;; parent's first child or next heading: never inside a line.
        (outline-next-heading))
      (insert-from-url--fetch-and-insert
       url format level (append '("--readable" "--metadata") images) entry
       (and entry (lambda (text)
                    (insert-from-url--add-retrieved text (and images id))))))))

(defun insert-from-url--add-retrieved (entry &optional id)
  "Return the Org ENTRY with the time it was retrieved in its drawer.
With ID, the drawer gets that ID too."
  (let ((stamp (format-time-string "[%Y-%m-%d %a %H:%M]")))
    (if (string-match "^:PROPERTIES:\n" entry)
        (replace-match (concat ":PROPERTIES:\n" (if id (format ":ID: %s\n" id) "")
                               ":RETRIEVED: " stamp "\n")
                       t t entry)
      entry)))

(defcustom insert-from-url-capture-async t
  "When non-nil, `insert-from-url-capture' in a capture template does not wait.
The capture files at once an entry that says the page is on its
way, and the entry becomes the article when the page arrives.
When nil, the capture waits for the page."
  :type 'boolean)

(defcustom insert-from-url-capture-timeout 20
  "Seconds that `insert-from-url-capture' waits for a page, when it waits.
That is outside a capture template, or with
`insert-from-url-capture-async' nil; \\[keyboard-quit] stops the wait
sooner."
  :type 'number)

;;;###autoload
(defun insert-from-url-capture (url)
  "Return the article of URL as an Org entry, for `org-capture' templates.
The entry is a heading with the title, a property drawer (URL,
author, date, and the time it was retrieved), and the article
below.  In a template, as in
  \"%(insert-from-url-capture \"%:link\")\"
it does not wait (see `insert-from-url-capture-async'): it returns
at once an entry titled \"Fetching URL...\", which the capture
files, and that entry becomes the article when the page arrives;
if the fetch fails, it keeps the URL and says why in its drawer.
Elsewhere, or with `insert-from-url-capture-async' nil, it waits
for the page, showing so in the echo area, at most
`insert-from-url-capture-timeout' seconds (\\[keyboard-quit] stops
it), and signals an error if the fetch fails.
Only http and https URLs are fetched: any other, such as a local
file that a browser shows, is a `user-error', for a capture may
come from a web page's click (org-protocol) and file without a
question.  Text that `org-capture' would expand after the
template's %(sexp), %^ prompts such as %^C (the kill ring) and
%\\N, is escaped the way `org-capture' unescapes."
  (unless (insert-from-url--web-url-p url)
    (let ((msg (format "insert-from-url-capture: only http and https URLs are captured, not %S"
                       url)))
      (insert-from-url--log msg)
      (user-error "%s" msg)))
  (let ((target (and insert-from-url-capture-async (insert-from-url--capture-target))))
    (insert-from-url--capture-escape
     (if target
         (insert-from-url--capture-later url target)
       (let* ((into (insert-from-url--capture-target))
              ;; Wrapped as for the buffer the entry goes to, if any.
              (insert-from-url-fill (if into
                                        (with-current-buffer into (insert-from-url--fill-p))
                                      (eq insert-from-url-fill t))))
         (insert-from-url--add-retrieved
          (insert-from-url--wait-for
           url "org" '("--readable" "--metadata" "--base-level" "0")
           insert-from-url-capture-timeout 'insert-from-url-capture-timeout)))))))

(defvar org-capture-plist)
(defvar org-inhibit-startup)

(defun insert-from-url--capture-target ()
  "Return the buffer of the capture whose template is being filled, or nil.
That is while `org-capture' evaluates a %(sexp) of a template: it
reads the sexp from a buffer where its text, just before point, is
marked with the property `org-embedded-elisp'."
  (and (boundp 'org-capture-plist)
       (> (point) (point-min))
       (get-text-property (1- (point)) 'org-embedded-elisp)
       (let ((buffer (plist-get org-capture-plist :buffer)))
         (and (buffer-live-p buffer) (or (buffer-base-buffer buffer) buffer)))))

(defun insert-from-url--wait-for (url format extra seconds &optional option)
  "Return the text of URL in FORMAT, waiting for it at most SECONDS.
EXTRA is a list of more arguments for the program.  The echo area
says what is fetched, and \\[keyboard-quit] stops the wait and the
fetch, even in a process filter such as the one of an
`emacsclient' request.  A failure signals `insert-from-url-error'
or one of its sub-errors, with the data that
`insert-from-url-error-get' reads; so does a wait that runs out, as
a timeout without an exit code, while \\[keyboard-quit] is a
`user-error'.  OPTION is the variable that sets SECONDS, named if
the time runs out."
  (let* ((insert-from-url-timeout seconds)
         (deadline (+ (float-time) seconds 5))
         (outcome nil)
         (process (insert-from-url--start
                   url :format format :args extra
                   :then (lambda (text _record) (setq outcome (cons 'text text)))
                   :else (lambda (err) (setq outcome (cons 'error err))))))
    (message "Fetching %s..." url)
    (unwind-protect
        (with-local-quit
          (while (and (not outcome) (< (float-time) deadline))
            (accept-process-output nil 0.05)))
      (unless outcome
        (process-put process 'insert-from-url-cancelled t)
        (when (process-live-p process)
          (delete-process process))))
    (pcase (car outcome)
      ('text (message "Fetching %s...done" url)
             (cdr outcome))
      ('error (let* ((err (cdr outcome))
                     (msg (if option
                              (replace-regexp-in-string
                               "`insert-from-url-timeout'" (format "`%s'" option) (cadr err) t t)
                            (cadr err))))
                (insert-from-url--log msg)
                (signal (car err) (cons msg (cddr err)))))
      (_ (let ((msg (format "insert-from-url: stopped waiting for %s" url)))
           (insert-from-url--log msg)
           (if (< (float-time) deadline)
               ;; C-g: the user's doing, not a failure.
               (user-error "%s" msg)
             (signal 'insert-from-url-timeout-error
                     (list msg :url url :exit-code nil :kind 'timeout :status nil))))))))

(defconst insert-from-url--capture-buffer " *insert-from-url-capture*"
  "Buffer that owns the fetches of captures, which outlive the capture.")

(defun insert-from-url--org-url (url)
  "Return URL with its brackets percent-encoded, for Org text."
  (replace-regexp-in-string "[][]" (lambda (c) (format "%%%X" (string-to-char c))) url))

(defun insert-from-url--capture-later (url target)
  "Return a placeholder entry for URL, and fill it when the page arrives.
TARGET is the buffer the capture files the entry in."
  (let* ((token (format "%06x%06x%06x" (random #x1000000) (random #x1000000) (random #x1000000)))
         (file (buffer-file-name target))
         (width (with-current-buffer target
                  (and (insert-from-url--fill-p) (list "--width" (number-to-string fill-column))))))
    (with-current-buffer (get-buffer-create insert-from-url--capture-buffer)
      (let ((insert-from-url-fill nil))
        (insert-from-url--start
         url :format "org"
         :args (append '("--readable" "--metadata" "--base-level" "0") width)
         :then (lambda (text _record)
                 (insert-from-url--capture-done)
                 (insert-from-url--capture-fill
                  url token target file (insert-from-url--add-retrieved text) nil))
         :else (lambda (err)
                 (insert-from-url--capture-done)
                 (insert-from-url--capture-fill url token target file nil (cadr err))))))
    (message "Fetching %s... (the captured entry fills when it arrives)" url)
    (format "* Fetching %s...\n:PROPERTIES:\n:URL: %s\n:INSERT_FROM_URL_FETCH: %s\n:END:\n"
            (insert-from-url--org-description url) (insert-from-url--org-url url) token)))

(defun insert-from-url--capture-done ()
  "Kill the buffer that owns the fetches of captures, once none is left."
  (let ((buffer (get-buffer insert-from-url--capture-buffer)))
    (when (and buffer (null (buffer-local-value 'insert-from-url--processes buffer)))
      (kill-buffer buffer))))

(defun insert-from-url--org-demote (entry levels)
  "Return the Org ENTRY with its headings LEVELS deeper."
  (if (<= levels 0)
      entry
    (with-temp-buffer
      (let ((org-inhibit-startup t)) (org-mode))
      (insert entry)
      (goto-char (point-min))
      (dotimes (_ levels) (org-demote-subtree))
      (buffer-string))))

(defun insert-from-url--capture-fill (url token target file entry error-message)
  "Replace the placeholder entry of TOKEN for URL with ENTRY.
The placeholder is in TARGET or, when that buffer is gone, in
FILE, visited again for the time it takes.  With ERROR-MESSAGE
instead of ENTRY, the placeholder keeps the URL and says why.  A
buffer that was saved is saved again."
  (let* ((buffer (or (and (buffer-live-p target) target)
                     (and file (find-buffer-visiting file))))
         (opened (and (not buffer) file (file-exists-p file)
                      (setq buffer (find-file-noselect file))))
         (found nil))
    (when buffer
      (with-current-buffer buffer
        (save-excursion
          (save-restriction
            (widen)
            (goto-char (point-min))
            (when (re-search-forward (concat "^[ \t]*:INSERT_FROM_URL_FETCH:[ \t]+"
                                             (regexp-quote token) "[ \t]*$")
                                     nil t)
              (setq found t)
              (let* ((saved (not (buffer-modified-p)))
                     (token-line (cons (line-beginning-position) (min (point-max) (1+ (line-end-position)))))
                     (start (progn (org-back-to-heading t) (point)))
                     (level (org-outline-level))
                     (end (progn (goto-char (cdr token-line))
                                 (if (looking-at "[ \t]*:END:[ \t]*\\(?:\n\\|\\'\\)")
                                     (match-end 0)
                                   (cdr token-line))))
                     (inhibit-read-only nil))
                (undo-boundary)
                (if entry
                    (progn
                      (delete-region start end)
                      (goto-char start)
                      (insert (insert-from-url--org-demote entry (1- level))))
                  (delete-region (car token-line) (cdr token-line))
                  (goto-char (car token-line))
                  (insert ":INSERT_FROM_URL_ERROR: "
                          (insert-from-url--org-description error-message) "\n")
                  (goto-char start)
                  (when (looking-at "\\*+ \\(Fetching \\)")
                    (replace-match "" t t nil 1)))
                (undo-boundary)
                (when (and saved buffer-file-name)
                  (let ((inhibit-message t)) (save-buffer))))))))
      (when opened (kill-buffer buffer)))
    (cond
     ((not found)
      (insert-from-url--report
       (format "insert-from-url-capture: the entry for %s is gone; nothing filed" url)))
     (error-message
      (insert-from-url--report
       (format "%s (the captured entry keeps the URL)" error-message)))
     (t (message "Captured %s" url)))))

(defun insert-from-url--web-url-p (url)
  "Return non-nil if URL is an http or https URL with a host."
  (and (stringp url)
       (let ((case-fold-search t))
         (string-match-p "\\`https?://[^][/?#[:space:][:cntrl:]]+\\(?:[/?#][^[:space:][:cntrl:]]*\\)?\\'" url))))

(defun insert-from-url--capture-escape (text)
  "Return TEXT escaped against the expansions of `org-capture'.
A %(sexp) template's result goes through the prompts (%^{...},
%^C, %^g, ...) and %\\N: each of those in TEXT gets the backslashes
that `org-capture' takes off again, so it stays text."
  (replace-regexp-in-string
   "\\(\\\\*\\)\\(%\\(?:\\^\\|\\\\[1-9]\\)\\)"
   (lambda (m)
     (concat (make-string (1+ (* 2 (length (match-string 1 m)))) ?\\)
             (match-string 2 m)))
   text t t))

(defun insert-from-url--fetch-and-insert (url format base-level extra &optional own-line transform)
  "Fetch URL in FORMAT and insert it where point is now.
BASE-LEVEL is as for `insert-from-url--start', and EXTRA its ARGS.  With
OWN-LINE, or when the text is an HTML page converted to FORMAT,
the text is lines of their own (see `insert-from-url--insert-at');
a plain-text body goes in as it is.  TRANSFORM, if given, is
called on the text before it is inserted."
  (let ((place (insert-from-url--new-place (point))))
    (message "Fetching %s..." url)
    (insert-from-url--start
     url :format format :base-level base-level :args extra
     :then (lambda (text record)
             (when transform
               (setq text (funcall transform text)))
             (let* ((buffer (marker-buffer (car place)))
                    (bounds (insert-from-url--insert-at
                             place text (or own-line (insert-from-url--converted-p record)))))
               (when bounds
                 (when (member "--images" extra)
                   (with-current-buffer buffer
                     (insert-from-url--show-images (car bounds) (cdr bounds))))
                 (message "Fetching %s...done" url))))
     :else (lambda (err)
             (insert-from-url--forget-place place)
             (insert-from-url--report-failure err)))))

;;;###autoload
(defun insert-from-url-cancel ()
  "Stop the fetches started from the current buffer.
A run of `insert-from-url-links-in-region' changes no link, and one
of `insert-from-url-entries-in-region' inserts no more entries."
  (interactive)
  (let* ((processes insert-from-url--processes)
         (pages (apply #'+ (mapcar (lambda (p) (or (process-get p 'insert-from-url-pages-left) 0))
                                   processes))))
    (if (null processes)
        (message "No fetch in flight here")
      (insert-from-url--stop-fetches)
      (message "Cancelled %d fetch%s%s" (length processes) (if (= (length processes) 1) "" "es")
               (if (> pages 0)
                   (format " (%d page%s not in yet)" pages (if (= pages 1) "" "s"))
                 "")))))

;;;; Links

(defconst insert-from-url--zero-width-space (string #x200b)
  "The character that breaks Org markup without showing: U+200B.")

(defun insert-from-url--one-line (string)
  "Return STRING on one line, without bidirectional controls.
Line breaks and the blanks around them become one space."
  (string-trim
   (replace-regexp-in-string
    "[ \t]*[\n\r\v\f\u0085\u2028\u2029][ \t\n\r\v\f\u0085\u2028\u2029]*" " "
    (replace-regexp-in-string insert-from-url--bidi-regexp "" string t t)
    t t)))

(defun insert-from-url--interleave (string)
  "Return STRING with a zero-width space between each two of its characters."
  (mapconcat #'string string insert-from-url--zero-width-space))

(defun insert-from-url--org-dollars (text)
  "Return TEXT with each $ that could end an Org LaTeX fragment as an entity.
Such a $ becomes \\dollar{}, which Org shows and exports as $: a
zero-width space cannot break a $...$ pair.  A $ can end a fragment
when what comes before it is not a blank, a comma or a period, and
no letter or digit follows it; any $$ can.  With none of them left,
no fragment forms in TEXT, nor from a $ before it, as long as TEXT
stands inside a link."
  (let ((i 0) (case-fold-search nil))
    (while (string-match "\\$" text i)
      (let* ((at (match-beginning 0))
             (before (and (> at 0) (aref text (1- at))))
             (after (and (< (1+ at) (length text)) (aref text (1+ at)))))
        (if (or (eq after ?$)
                (and (not (memq before '(?\s ?\t ?\n ?, ?.)))
                     (not (and after (string-match-p "[[:alnum:]]" (string after))))))
            (setq text (concat (substring text 0 at) "\\dollar{}" (substring text (1+ at)))
                  i (+ at (length "\\dollar{}")))
          (setq i (1+ at)))))
    text))

(defun insert-from-url--org-description (title &optional in-table)
  "Return TITLE escaped for the description of an Org link.
No two brackets touch, and none touches the link's own, so the
description cannot end the link or open another one; nothing in
it is markup that Org acts on: diary sexps (%%), active
timestamps, macros, export snippets, targets, entities and LaTeX
fragments, inline source blocks and Babel calls.  The escapes are
zero-width spaces, which search still finds through, and \\dollar{}
for a $ that could end a LaTeX fragment.  With IN-TABLE, | is
\\vert{}, so that the title cannot split the table cell."
  (let* ((z insert-from-url--zero-width-space)
         (case-fold-search t)
         (s (insert-from-url--one-line title)))
    (setq s (replace-regexp-in-string "[][]\\{2,\\}\\|%%+\\|{{{+\\|}}}+\\|@@+\\|<<+\\|>>+"
                                      #'insert-from-url--interleave s t t))
    (setq s (replace-regexp-in-string "\\\\[][()[:alpha:]]\\|<[0-9]"
                                      (lambda (m) (concat (substring m 0 1) z (substring m 1)))
                                      s t t))
    ;; src_LANG{...} and call_NAME(...), which Babel evaluates.
    (setq s (replace-regexp-in-string "\\(?:src_[^ \t\n[{]+[{[]\\|call_[^ \t\n[(]+[([]\\)"
                                      (lambda (m) (concat (substring m 0 1) z (substring m 1)))
                                      s t t))
    (when (string-match-p "\\`[][]" s)
      (setq s (concat z s)))
    (when (string-match-p "[][\\]\\'" s)
      (setq s (concat s z)))
    (when in-table
      (setq s (replace-regexp-in-string "|" "\\vert{}" s t t)))
    (insert-from-url--org-dollars s)))

(defun insert-from-url--markdown-description (title &optional in-table)
  "Return TITLE escaped for the text of a Markdown link.
Brackets, backslashes, backquotes and < are escaped with a
backslash, so no two brackets touch and the text cannot end the
link, open another one, or hold HTML.  With IN-TABLE, | is
escaped too."
  (replace-regexp-in-string (if in-table "[][\\`<|]" "[][\\`<]") "\\\\\\&"
                            (insert-from-url--one-line title)))

(defun insert-from-url--table-line-p (pos)
  "Return non-nil if POS is on a line of an Org or Markdown table."
  (save-excursion
    (goto-char pos)
    (beginning-of-line)
    (looking-at-p "[ \t]*|")))

(defun insert-from-url--link-markup (url title &optional in-table)
  "Return a link to URL titled TITLE in the markup of the current buffer.
The title, which comes from the page, is escaped so that it stays
the link's text: one line, no markup of its own.  IN-TABLE says
that the link goes in a table."
  (if (or (string-empty-p (string-trim title)) (equal (string-trim title) url))
      ;; A page without a title, such as a plain-text one: the URL alone.
      (cond
       ((derived-mode-p 'org-mode) (format "[[%s]]" (insert-from-url--org-url url)))
       ((derived-mode-p 'markdown-mode 'gfm-mode) (insert-from-url--markdown-link url ""))
       (t url))
    (cond
     ((derived-mode-p 'org-mode)
      (format "[[%s][%s]]"
              (replace-regexp-in-string "[][]" (lambda (c) (format "%%%X" (string-to-char c))) url)
              (insert-from-url--org-description title in-table)))
     ((derived-mode-p 'markdown-mode 'gfm-mode) (insert-from-url--markdown-link url title in-table))
     (t (format "%s <%s>" (insert-from-url--one-line title) url)))))

;;;###autoload
(defun insert-from-url-link (url)
  "Insert a link to URL titled with the page's title.
On a URL at point, replace that URL with the link; on a link at
point (Org or Markdown), give it the page's title.  The link uses
the buffer's markup: Org, Markdown, or \"title <url>\".  Text
typed while the title is fetched stays, after the link.
With an active region, turn every URL in it into a titled link,
fetching a few at a time; URL is then ignored."
  (interactive
   (progn
     (barf-if-buffer-read-only)
     (insert-from-url--program)
     (list (unless (use-region-p) (insert-from-url--read-url "Link to URL")))))
  (barf-if-buffer-read-only)
  (if (and (called-interactively-p 'any) (use-region-p))
      (insert-from-url-links-in-region (region-beginning) (region-end))
    (let ((bounds (insert-from-url--link-at-point url)))
      (insert-from-url--replace-with-link
       url (or (car bounds) (point)) (or (cdr bounds) (point))))))

(defun insert-from-url--urls-in (start end)
  "Return the URLs between START and END, in order, with where each is.
Each is (URL START-MARKER END-MARKER) around the text that holds
it: a bare URL, one in angle brackets (which that text includes),
or an Org or Markdown link whose target it is."
  (let ((items nil)
        ;; Only these are looked for; the whole list of schemes would
        ;; cost a big regexp at every URL.
        (thing-at-point-uri-schemes '("http://" "https://")))
    (save-excursion
      (goto-char start)
      (while (re-search-forward "https?://" end t)
        (goto-char (match-end 0))
        (let* ((link (insert-from-url--link-around-point))
               (bounds (or (cdr link)
                           (insert-from-url--with-angle-brackets (insert-from-url--url-bounds)))))
          (when (and bounds (<= (cdr bounds) end))
            (push (list (or (car link) (insert-from-url--url-in bounds))
                        (copy-marker (car bounds)) (copy-marker (cdr bounds)))
                  items)
            (goto-char (cdr bounds))))))
    (nreverse items)))

(defun insert-from-url--free-items (items)
  "Free the markers of ITEMS, from `insert-from-url--urls-in'."
  (dolist (item items)
    (set-marker (nth 1 item) nil)
    (set-marker (nth 2 item) nil)))

(defun insert-from-url--clean-string (string &optional strip-bidi)
  "Return STRING cleaned for a buffer, as `insert-from-url--clean-buffer' does.
STRIP-BIDI is as for that function."
  (with-temp-buffer
    (insert string)
    (insert-from-url--clean-buffer strip-bidi)
    (buffer-string)))

;;;###autoload
(defun insert-from-url-links-in-region (start end)
  "Turn every URL between START and END into a link titled with its page's title.
Links already there (Org or Markdown) get the title as their
description, and a URL in angle brackets loses them.  One run of
the program fetches all the titles, `insert-from-url-link-parallel'
at a time; when the last one is in, each link replaces its URL
where it stands, all in one undo step.  A title that cannot be
fetched leaves its URL as it is, and the error is shown and
logged.  \\[insert-from-url-cancel] stops the fetches and changes
nothing."
  (interactive "r")
  (barf-if-buffer-read-only)
  (insert-from-url--program)
  (let* ((buffer (current-buffer))
         (items (insert-from-url--urls-in start end))
         (failed 0)
         (results nil))
    (if (null items)
        (message "No URL in the region")
      (message "Fetching the titles of %d link%s..." (length items) (if (cdr items) "s" ""))
      (insert-from-url--start-batch
       (mapcar #'car items)
       :format "title"
       :each (lambda (i record _page)
               (let ((item (nth i items)))
                 (if (plist-get record :error)
                     (progn
                       (setq failed (1+ failed))
                       (insert-from-url--report-failure
                        (insert-from-url--page-failure (car item) record)))
                   (push (cons (insert-from-url--clean-string (or (plist-get record :content) "") t)
                               item)
                         results))))
       :then (lambda ()
               (insert-from-url--apply-links buffer (nreverse results) (length items) failed))
       :finally (lambda () (insert-from-url--free-items items))))))

(defun insert-from-url--apply-links (buffer results count failed)
  "Replace URLs with links in BUFFER as one undo step.
RESULTS is a list of (TITLE URL START END), START and END markers
around the text that the link replaces.  COUNT is the number of
links of the run and FAILED the number of titles that failed."
  (when (and results (buffer-live-p buffer))
    (with-current-buffer buffer
      (if buffer-read-only
          (insert-from-url--report
           (format "insert-from-url: %s is read-only now; nothing inserted" (buffer-name)))
        (undo-boundary)
        (save-excursion
          (save-restriction
            (widen)
            (dolist (r results)
              (let ((start (nth 2 r)) (end (nth 3 r)))
                (when (and (marker-position start) (<= start end))
                  (let ((link (insert-from-url--link-markup
                               (nth 1 r) (string-trim (nth 0 r))
                               (insert-from-url--table-line-p start))))
                    (goto-char start)
                    (delete-region start end)
                    (insert link)))))))
        (undo-boundary)
        (message "Fetching the titles of %d link%s...done%s" count (if (= count 1) "" "s")
                 (if (> failed 0)
                     (format "; %d failed (see %s)" failed insert-from-url-log-buffer)
                   ""))))))

(defun insert-from-url--url-in (bounds)
  "Return the URL between BOUNDS, without angle brackets around it."
  (string-trim (buffer-substring-no-properties (car bounds) (cdr bounds)) "<" ">"))

(defun insert-from-url--with-angle-brackets (bounds)
  "Return BOUNDS of a URL widened over angle brackets right around it, if any.
In \"<http://host/>\" the brackets mark the URL, and the link replaces them too."
  (if (and bounds (eq (char-before (car bounds)) ?<) (eq (char-after (cdr bounds)) ?>))
      (cons (1- (car bounds)) (1+ (cdr bounds)))
    bounds))

(defun insert-from-url--replace-with-link (url start end &optional done)
  "Replace the text from START to END with a link to URL, once its title comes.
START and END are positions or markers.  DONE, if given, is called
when the fetch ends, whatever its outcome."
  (let ((start (copy-marker start))
        ;; Not advancing: what is typed at the end stays after it.
        (end (copy-marker end))
        (finish (lambda ()
                  (when done (funcall done)))))
    (insert-from-url--start
     url :format "title"
     :then
     (lambda (title _record)
       (let ((buffer (marker-buffer start)))
         (when (buffer-live-p buffer)
           (with-current-buffer buffer
             (let ((link (insert-from-url--link-markup
                          url (string-trim title)
                          (save-restriction (widen) (insert-from-url--table-line-p start))))
                   (follow (= (point) end)))
               (if buffer-read-only
                   (insert-from-url--report
                    (format "insert-from-url: %s is read-only now; nothing inserted" (buffer-name)))
                 (undo-boundary)
                 (save-excursion
                   (save-restriction
                     (widen)
                     (goto-char start)
                     (delete-region start end)
                     (insert link)))
                 (undo-boundary)
                 (when follow (goto-char (+ start (length link)))))))))
       (set-marker start nil)
       (set-marker end nil)
       (funcall finish))
     :else
     (lambda (err)
       (set-marker start nil)
       (set-marker end nil)
       (insert-from-url--report-failure err)
       (funcall finish)))))

(defconst insert-from-url--trailing-punctuation ".,;:!?'\">"
  "Characters that end a sentence rather than the URL before them.")

(defun insert-from-url--url-bounds ()
  "Return the bounds of the URL at point, without trailing punctuation.
A closing parenthesis or bracket at the end stays only when the URL
opens one: in \"(see http://host/page)\" it is the sentence's."
  (when-let ((bounds (bounds-of-thing-at-point 'url)))
    (let ((start (car bounds)) (end (cdr bounds)) (done nil))
      (while (and (not done) (> end start))
        (let ((c (char-before end))
              (url (buffer-substring-no-properties start (1- end))))
          (cond
           ((seq-contains-p insert-from-url--trailing-punctuation c) (setq end (1- end)))
           ((and (memq c '(?\) ?\] ?\}))
                 (let ((open (cdr (assq c '((?\) . ?\() (?\] . ?\[) (?\} . ?{))))))
                   (>= (seq-count (lambda (x) (eq x c)) (concat url (string c)))
                       (1+ (seq-count (lambda (x) (eq x open)) url)))))
            (setq end (1- end)))
           (t (setq done t)))))
      (and (> end start) (cons start end)))))

(defun insert-from-url--url-at-point ()
  "Return the URL at point, without trailing punctuation, or nil."
  (when-let ((bounds (insert-from-url--url-bounds)))
    (buffer-substring-no-properties (car bounds) (cdr bounds))))

(defun insert-from-url--link-at-point (url)
  "Return the bounds of the text at point that a link to URL takes over.
That is a link at point whose target is URL, else URL itself at
point; nil when there is neither."
  (let ((link (insert-from-url--link-around-point)))
    (if (and link (equal (car link) url))
        (cdr link)
      (let ((bounds (insert-from-url--url-bounds)))
        (and bounds (equal (buffer-substring-no-properties (car bounds) (cdr bounds)) url)
             (insert-from-url--with-angle-brackets bounds))))))

;;;; Entries

(defun insert-from-url--outline (format start end)
  "Return (LEVEL . POSITION) for the entries made from START to END in FORMAT.
LEVEL is that of the heading START is under, 0 before the first
one; POSITION is where the section END is in ends: the start of the
first heading at or after END, or the end of the buffer.  Headings
are Org's stars, or Markdown's #; in Markdown, lines in fenced code
are not headings."
  (save-excursion
    (save-restriction
      (widen)
      (goto-char (point-min))
      (let ((heading (if (equal format "org")
                         "\\(\\*+\\)[ \t]"
                       "\\(#\\{1,6\\}\\)\\(?:[ \t]\\|$\\)"))
            (level 0) (fence nil) (pos nil))
        (while (and (not pos) (not (eobp)))
          (cond
           ((and (equal format "markdown")
                 (looking-at "[ ]\\{0,3\\}\\(`\\{3,\\}\\|~\\{3,\\}\\)\\([^\n]*\\)"))
            (let ((f (match-string 1)) (rest (match-string 2)))
              (cond ((null fence) (setq fence f))
                    ((and (eq (aref f 0) (aref fence 0)) (>= (length f) (length fence))
                          (string-match-p "\\`[ \t]*\\'" rest))
                     (setq fence nil)))))
           ((and (null fence) (looking-at heading))
            (if (>= (point) end)
                (setq pos (point))
              (when (<= (point) start)
                (setq level (length (match-string 1)))))))
          (forward-line 1))
        (cons level (or pos (point-max)))))))

(defun insert-from-url--remove-url-line (format start end)
  "Delete the line of the URL from START to END, if nothing else is on it.
Blanks and a list bullet may be there too; in Org, a star at the
start of a line makes a heading, not a bullet, and its line stays.
FORMAT is the buffer's format."
  (when (and (marker-position start) (marker-position end) (<= start end))
    (save-excursion
      (goto-char start)
      (let ((bol (line-beginning-position)))
        (when (and (looking-back (if (equal format "org")
                                     "^\\(?:[ \t]*\\(?:[-+]\\|[0-9]+[.)]\\)[ \t]+\\|[ \t]+\\*[ \t]+\\|[ \t]*\\)"
                                   "^[ \t]*\\(?:\\(?:[-+*]\\|[0-9]+[.)]\\)[ \t]+\\)?")
                                 bol)
                   (progn (goto-char end) (looking-at "[ \t]*$")))
          (delete-region bol (min (point-max) (1+ (line-end-position)))))))))

(defun insert-from-url--org-example (text)
  "Return TEXT, not converted by the program, as an Org example block.
Org reads nothing in such a block: lines that would end it or be
headings get the comma Org takes off again, and diary sexps (%%)
and active timestamps, which the agenda finds by their look, are
broken with a zero-width space."
  (let ((z insert-from-url--zero-width-space))
    (setq text (replace-regexp-in-string "^[ \t]*\\(,*\\(?:\\*\\|#\\+\\)\\)" ",\\1" text t nil 1))
    (setq text (replace-regexp-in-string "%%+" #'insert-from-url--interleave text t t))
    (setq text (replace-regexp-in-string "<[0-9]" (lambda (m) (concat "<" z (substring m 1))) text t t))
    (concat "#+begin_example\n" text (if (string-suffix-p "\n" text) "" "\n") "#+end_example\n")))

(defun insert-from-url--markdown-code (text)
  "Return TEXT, not converted by the program, as a fenced Markdown code block.
The fence is longer than any run of backquotes in TEXT, so no line
of it ends the block."
  (let ((longest 2) (i 0))
    (while (string-match "`+" text i)
      (setq longest (max longest (- (match-end 0) (match-beginning 0)))
            i (match-end 0)))
    (let ((fence (make-string (1+ longest) ?`)))
      (concat fence "text\n" text (if (string-suffix-p "\n" text) "" "\n") fence "\n"))))

(defun insert-from-url--markdown-link (url title &optional in-table)
  "Return a Markdown link to URL titled TITLE, escaped.
IN-TABLE says that the link goes in a table.  Without a title, the
link is URL in angle brackets."
  (if (or (string-empty-p (string-trim title)) (equal (string-trim title) url))
      (format "<%s>" (replace-regexp-in-string "[ <>]" (lambda (c) (format "%%%X" (string-to-char c))) url))
    (format "[%s](%s)"
            (insert-from-url--markdown-description title in-table)
            (replace-regexp-in-string "[ ()]" (lambda (c) (format "%%%X" (string-to-char c))) url))))

(defun insert-from-url--entry-text (format level url record page)
  "Return the entry, or section, of the page of URL for a buffer in FORMAT.
LEVEL is the level of the heading it goes under (0 for none);
RECORD is the page's --json record and PAGE its write-out record,
or nil.  An HTML page that the program converted is its text, which
the program escaped: in Org, an entry with its property drawer,
the time it was retrieved added; in Markdown, a heading that links
to the page, then the article.  Any other body, or a page whose
write-out record is missing, goes in a block that the markup does
not read, under a heading that is the URL."
  (let* ((converted (and page (insert-from-url--converted-p page)
                         (equal (plist-get page :url_effective) (plist-get record :url))
                         (string-match-p "[^ \t\n]" (or (plist-get record :content) ""))))
         (final (let ((u (plist-get record :url)))
                  (if (and (stringp u) (not (string-empty-p u))) u url)))
         (content (insert-from-url--clean-string (or (plist-get record :content) "")
                                                 (insert-from-url--strip-bidi-p format)))
         (title (if converted
                    (insert-from-url--clean-string (or (plist-get record :title) "") t)
                  "")))
    (if (equal format "org")
        (insert-from-url--add-retrieved
         (if converted
             content
           (concat (make-string (1+ level) ?*) " " (insert-from-url--org-description final)
                   "\n:PROPERTIES:\n:URL: " (insert-from-url--org-url final) "\n:END:\n\n"
                   (insert-from-url--org-example content))))
      (concat (make-string (min 6 (1+ level)) ?#) " "
              (insert-from-url--markdown-link final title) "\n\n"
              (if converted content (insert-from-url--markdown-code content))))))

;;;###autoload
(defun insert-from-url-entries-in-region (start end)
  "Turn every URL between START and END into an entry with its page's article.
In Org, each URL becomes an entry under the heading the region
starts in: the page's title as heading, a property drawer (URL,
author, date, and when it was retrieved), and the article, its own
headings below the entry's.  In Markdown, each becomes a section:
a heading that links to the page, then the article.  The entries go
in the order of the URLs, where the section that holds the end of
the region ends (before its next heading), each as it arrives and
as one undo step; a URL alone on its line (perhaps as a list item)
goes with its entry.  One run of the program fetches the pages,
`insert-from-url-link-parallel' at a time, so Emacs does not wait.
A page that cannot be fetched leaves its URL, and the error is
shown and logged.  A body that is not HTML, which the program does
not convert, goes in an example block (Org) or a code block
\(Markdown), where its text cannot act as markup.  Images stay links
to the site, whatever `insert-from-url-images' says.
\\[insert-from-url-cancel] stops the fetches; the entries in stay."
  (interactive "r")
  (barf-if-buffer-read-only)
  (let ((format (insert-from-url--format-for-buffer)))
    (unless (member format '("org" "markdown"))
      (user-error "Entries are for Org and Markdown buffers, not %s" format))
    (insert-from-url--program)
    (let* ((items (insert-from-url--urls-in start end))
           (outline (insert-from-url--outline format start end))
           (level (car outline))
           (n (length items))
           (places (mapcar (lambda (_) (insert-from-url--new-place (cdr outline))) items))
           (failed 0))
      (if (null items)
          (message "No URL in the region")
        (message "Fetching the articles of %d link%s..." n (if (= n 1) "" "s"))
        (condition-case err
            (insert-from-url--start-batch
             (mapcar #'car items)
             :format format
             :base-level (if (equal format "org") level (1+ level))
             :args (append '("--readable") (and (equal format "org") '("--metadata")))
             :each
             (lambda (i record page)
               (let* ((item (nth i items))
                      (place (nth i places))
                      (url (car item)))
                 (if (plist-get record :error)
                     (progn
                       (setq failed (1+ failed))
                       (insert-from-url--forget-place place)
                       (insert-from-url--report-failure (insert-from-url--page-failure url record)))
                   (insert-from-url--insert-at
                    place (insert-from-url--entry-text format level url record page) t
                    (lambda () (insert-from-url--remove-url-line format (nth 1 item) (nth 2 item))))
                   (if-let ((warnings (insert-from-url--record-warnings record)))
                       (insert-from-url--report-warnings url warnings)
                     (when (> n 1)
                       (message "Fetching the articles of %d links...%d/%d" n (1+ i) n))))))
             :then
             (lambda ()
               (message "Fetching the articles of %d link%s...done%s" n (if (= n 1) "" "s")
                        (if (> failed 0)
                            (format "; %d failed (see %s)" failed insert-from-url-log-buffer)
                          "")))
             :finally
             (lambda ()
               (mapc #'insert-from-url--forget-place places)
               (insert-from-url--free-items items)))
          (error
           (mapc #'insert-from-url--forget-place places)
           (insert-from-url--free-items items)
           (signal (car err) (cdr err))))))))

;;;; Reading in a buffer of its own

(defvar-local insert-from-url--view-url nil
  "The URL of the page in the current `insert-from-url-view' buffer.")

(defvar-local insert-from-url--view-images nil
  "The temporary folder of the images of an `insert-from-url-view' buffer.")

(defun insert-from-url--view-delete-images ()
  "Delete the temporary folder of the current view buffer's images."
  (when (and insert-from-url--view-images (file-directory-p insert-from-url--view-images))
    (delete-directory insert-from-url--view-images t))
  (setq insert-from-url--view-images nil))

(defvar insert-from-url-view-mode-map
  (let ((map (make-sparse-keymap)))
    (define-key map "q" #'quit-window)
    (define-key map "g" #'insert-from-url-view-reload)
    map)
  "Keys of `insert-from-url-view-mode'.")

(define-minor-mode insert-from-url-view-mode
  "Minor mode of the buffers of `insert-from-url-view'.
The buffer is read-only; \\[insert-from-url-view-reload] fetches the
page again and \\[quit-window] quits.
\\{insert-from-url-view-mode-map}"
  :lighter " View-URL"
  :keymap insert-from-url-view-mode-map)

(defun insert-from-url--view-major-mode (format)
  "Switch to the major mode for text in FORMAT."
  (pcase format
    ("org" (if (fboundp 'org-mode) (org-mode) (text-mode)))
    ("markdown" (if (fboundp 'markdown-mode) (markdown-mode) (text-mode)))
    (_ (text-mode))))

;;;###autoload
(defun insert-from-url-view (url)
  "Show the article of URL in a buffer of its own, and return the buffer.
The buffer is returned at once and fills when the page arrives:
the readable article, in `insert-from-url-view-format' (Org by
default, with its links followable as usual), after its title and
the page's URL.  The buffer is read-only and named after the
page's title; long lines wrap at word boundaries, as
`insert-from-url-view-visual-line' says.  Viewing a URL that a
buffer already shows fetches it again there.
\\<insert-from-url-view-mode-map>\\[quit-window] quits and \\[insert-from-url-view-reload] fetches again."
  (interactive (progn (insert-from-url--program)
                      (list (insert-from-url--read-url "View URL"))))
  (let ((buffer (or (seq-find (lambda (b)
                                (and (equal (buffer-local-value 'insert-from-url--view-url b) url)
                                     (buffer-local-value 'insert-from-url-view-mode b)))
                              (buffer-list))
                    (generate-new-buffer (format "*%s*" url)))))
    (with-current-buffer buffer
      (unless insert-from-url-view-mode
        (insert-from-url--view-major-mode (symbol-name insert-from-url-view-format))
        (insert-from-url-view-mode 1)
        (when insert-from-url-view-visual-line
          (visual-line-mode 1))
        (setq insert-from-url--view-url url)
        ;; A frame that cannot show images would show their file names.
        (when (and insert-from-url-view-images (display-images-p)
                   (member (symbol-name insert-from-url-view-format) '("org" "markdown")))
          (setq insert-from-url--view-images (make-temp-file "insert-from-url-images-" t))
          (add-hook 'kill-buffer-hook #'insert-from-url--view-delete-images nil t)
          (add-hook 'kill-emacs-hook #'insert-from-url--kill-emacs))
        (setq buffer-read-only t))
      (insert-from-url-view-reload))
    (when (called-interactively-p 'any)
      (pop-to-buffer-same-window buffer))
    buffer))


(defun insert-from-url-view-reload ()
  "Fetch the page of the current `insert-from-url-view' buffer again.
A fetch of the buffer still in flight is stopped first."
  (interactive)
  (let ((buffer (current-buffer))
        (url insert-from-url--view-url)
        (format (symbol-name insert-from-url-view-format)))
    (insert-from-url--stop-fetches)
    (let ((inhibit-read-only t))
      (erase-buffer)
      (insert (format "Fetching %s..." url)))
    (insert-from-url--start
     url :format format
     :args (append '("--readable" "--metadata")
                   (and insert-from-url--view-images (member format '("org" "markdown"))
                        (list "--images" insert-from-url--view-images "--images-relative-to=")))
     :then
     (lambda (text _record)
       (when (buffer-live-p buffer)
         (with-current-buffer buffer
           (let ((inhibit-read-only t))
             (erase-buffer)
             (insert text)
             (goto-char (point-min))
             (when insert-from-url--view-images
               (insert-from-url--show-images (point-min) (point-max)))
             (set-buffer-modified-p nil))
           (when-let ((title (insert-from-url--view-title text)))
             (rename-buffer (format "*%s*" title) t)))))
     :else
     (lambda (err)
       (when (buffer-live-p buffer)
         (with-current-buffer buffer
           (let ((inhibit-read-only t))
             (erase-buffer)
             (insert (cadr err) "\n"))))
       (insert-from-url--report-failure err)))))

(defun insert-from-url--view-title (text)
  "Return the title that the metadata at the start of TEXT gives, or nil.
It has no zero-width space (an escape of the Org text) and no
bidirectional control, which would garble a buffer list."
  (when (string-match "\\`\\(?:#\\+title: \\|---\ntitle: \\)?\\([^\n]+\\)" text)
    (let ((title (string-trim
                  (replace-regexp-in-string
                   insert-from-url--zero-width-space ""
                   (insert-from-url--one-line (match-string 1 text)) t t)
                  "[ \t\"']+" "[ \t\"']+")))
      (and (not (string-empty-p title)) title))))

;;;; Synchronous use

(defun insert-from-url-string (url &optional format extra)
  "Return the content of URL as a string, waiting for it.
FORMAT is \"raw\" (the default), \"text\", \"markdown\", \"org\" or
\"title\"; EXTRA is a list of more arguments for the program.
On failure, signal `insert-from-url-error' (or its sub-error
`insert-from-url-http-error' or `insert-from-url-timeout-error')
with the program's message, the exit code, the kind of failure and
the URL as data: see `insert-from-url-error-get'.
\\[keyboard-quit] stops the fetch.  The text is wrapped only when
`insert-from-url-fill' is t: a string does not depend on the
buffer it is asked from."
  (let* ((insert-from-url-fill (eq insert-from-url-fill t))
         (program (insert-from-url--program))
         (default-directory (insert-from-url--local-directory))
         (stderr-file (make-temp-file "insert-from-url-stderr")))
    (unwind-protect
        (with-temp-buffer
          (set-buffer-multibyte nil)
          (let* ((coding-system-for-read 'binary)
                 (code (apply #'call-process program nil (list t stderr-file) nil
                              (insert-from-url--arguments
                               url (or format "raw") nil
                               (append (list "--write-out" insert-from-url--write-out) extra)))))
            (unless (eq code 0)
              (let* ((stderr (with-temp-buffer
                               (insert-from-url--insert-utf-8-file stderr-file)
                               (buffer-string)))
                     (err (insert-from-url--run-failure
                           url (and (integerp code) code)
                           (insert-from-url--stderr-record stderr) stderr)))
                (insert-from-url--log (cadr err))
                (signal (car err) (cdr err))))
            (let ((text (decode-coding-string (buffer-string) 'utf-8 t))
                  (strip-bidi (member (or format "raw") '("raw" "title"))))
              (erase-buffer)
              (set-buffer-multibyte t)
              (insert text)
              (insert-from-url--clean-buffer strip-bidi)
              (buffer-string))))
      (delete-file stderr-file))))

;;;; Alt+wheel undo and redo

(defun insert-from-url--undo-redo (arg)
  "Redo the last ARG undos: `undo-redo', written out for Emacs 27."
  (if (fboundp 'undo-redo)
      (undo-redo arg)
    (unless (undo--last-change-was-undo-p buffer-undo-list)
      (user-error "No undo to undo"))
    (let* ((ul buffer-undo-list)
           (new-ul (let ((undo-in-progress t))
                     (while (and (consp ul) (eq (car ul) nil))
                       (setq ul (cdr ul)))
                     (primitive-undo arg ul)))
           (new-pul (undo--last-change-was-undo-p new-ul)))
      (message "Redo")
      (setq this-command 'undo)
      (setq pending-undo-list new-pul)
      (setq buffer-undo-list new-ul))))

(defmacro insert-from-url--in-event-window (event &rest body)
  "Run BODY in the window where mouse EVENT happened."
  (declare (indent 1) (debug t))
  `(let ((window (posn-window (event-start ,event))))
     (if (and (windowp window) (window-live-p window))
         (with-selected-window window ,@body)
       ,@body)))

(defun insert-from-url-wheel-undo (event)
  "Undo one change in the window under the mouse, for wheel EVENT.
Like `undo-only', it never redoes, however long the wheel spins."
  (interactive "e")
  (insert-from-url--in-event-window event
    (undo-only 1)))

(defun insert-from-url-wheel-redo (event)
  "Redo one undone change in the window under the mouse, for wheel EVENT."
  (interactive "e")
  (insert-from-url--in-event-window event
    (insert-from-url--undo-redo 1)))

(defvar insert-from-url-wheel-undo-mode-map
  (let ((map (make-sparse-keymap)))
    ;; X11 before Emacs 29, and terminals with `xterm-mouse-mode'.
    (define-key map [M-mouse-5] #'insert-from-url-wheel-undo)
    (define-key map [M-mouse-4] #'insert-from-url-wheel-redo)
    ;; pgtk, NS, w32, X11 with XInput2, and `mouse-wheel-buttons'.
    (define-key map [M-wheel-down] #'insert-from-url-wheel-undo)
    (define-key map [M-wheel-up] #'insert-from-url-wheel-redo)
    map)
  "Keymap of `insert-from-url-wheel-undo-mode'.")

;;;###autoload
(define-minor-mode insert-from-url-wheel-undo-mode
  "Undo with Alt and the mouse wheel: towards you undoes, away redoes.
The bindings live in this mode's keymap, which takes precedence
over the global map, so they survive `mouse-wheel-mode' binding
M-mouse-5 again, and turning the mode off gives the wheel its
scrolling back."
  :global t
  :group 'insert-from-url
  :keymap insert-from-url-wheel-undo-mode-map)

(provide 'insert-from-url)
;;; insert-from-url.el ends here
