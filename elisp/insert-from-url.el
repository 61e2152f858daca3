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
;;   M-x insert-from-url-wheel-undo-mode
;;                               Alt+wheel towards you undoes, away redoes
;;
;; For Lisp code, `insert-from-url-string' returns a page as a string.
;;
;; Setup, with the program on `exec-path' (go install
;; github.com/insert-from-url/insert-from-url@latest):
;;
;;   (use-package insert-from-url
;;     :load-path "~/.emacs.d/lisp"
;;     :bind ("C-c i u" . insert-from-url)
;;     :config (insert-from-url-wheel-undo-mode 1))
;;
;; Loading this file binds no key; the wheel bindings live in the keymap of
;; `insert-from-url-wheel-undo-mode'.

;;; Code:

(require 'seq)
(require 'subr-x)
(require 'thingatpt)

(declare-function org-current-level "org" ())
(declare-function outline-next-heading "outline" ())
(declare-function org-attach-dir "org-attach" (&optional create-if-not-exists-p no-fs-check))
(declare-function org-before-first-heading-p "org" ())
(declare-function org-display-inline-images "org" (&optional include-linked refresh beg end))
(declare-function markdown-display-inline-images "markdown-mode" ())

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

(defcustom insert-from-url-fill nil
  "When non-nil, wrap converted text at `fill-column'."
  :type 'boolean)

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

(defcustom insert-from-url-view-format 'org
  "Format of the article that `insert-from-url-view' shows."
  :type '(choice (const :tag "Org" org)
                 (const :tag "Markdown" markdown)
                 (const :tag "Plain text" text)))

(defconst insert-from-url--formats '("raw" "text" "markdown" "org")
  "Formats the program can produce for insertion.")

;;;; Running the program

(defun insert-from-url--link-base ()
  "Return the folder that relative links in the current buffer start from."
  (expand-file-name (if buffer-file-name
                        (file-name-directory buffer-file-name)
                      default-directory)))

(defun insert-from-url--images-arguments (format)
  "Return the program's arguments that store images for FORMAT, or nil.
They follow `insert-from-url-images', for the current buffer."
  (when (and insert-from-url-images (member format '("org" "markdown"))
             (not (file-remote-p (insert-from-url--link-base))))
    (let ((dir (if (eq insert-from-url-images 'attach)
                   (progn
                     (unless (and (derived-mode-p 'org-mode)
                                  (require 'org-attach nil t)
                                  (not (org-before-first-heading-p)))
                       (user-error "No Org entry here to attach images to; see `insert-from-url-images'"))
                     (org-attach-dir t))
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

(defun insert-from-url--format-for-buffer ()
  "Return the format that fits the current buffer, as a string."
  (let ((format (if (eq insert-from-url-format 'auto)
                    (cond ((derived-mode-p 'org-mode) 'org)
                          ((derived-mode-p 'markdown-mode 'gfm-mode) 'markdown)
                          ((insert-from-url--code-buffer-p) 'raw)
                          (t 'text))
                  insert-from-url-format)))
    (symbol-name format)))

(defun insert-from-url--base-level (format)
  "Return the outline level to nest FORMAT headings under, or nil."
  (when (and (equal format "org") (derived-mode-p 'org-mode)
             (fboundp 'org-current-level))
    (let ((level (save-excursion (org-current-level))))
      (and level (> level 0) level))))

(defun insert-from-url--arguments (url format &optional base-level extra)
  "Return the program's arguments to fetch URL in FORMAT.
BASE-LEVEL, when non-nil, nests headings under that level.  EXTRA
is a list of more arguments."
  (append (list "--silent" "--text-only" "--format" format
                "--max-time" (number-to-string insert-from-url-timeout)
                "--max-size" (number-to-string insert-from-url-max-size))
          (when base-level
            (list "--base-level" (number-to-string base-level)))
          (when (and insert-from-url-fill (not (member format '("raw" "title"))))
            (list "--width" (number-to-string fill-column)))
          (pcase insert-from-url-render
            ('nil nil)
            ('auto (list "--render=auto"))
            (_ (list "--render")))
          extra
          insert-from-url-arguments
          (list "--" url)))

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
         (format "insert-from-url exited with code %s" code)))))

(defconst insert-from-url--write-out
  "%{stderr}\ninsert-from-url-converted: %{converted}\n"
  "What the program writes on stderr after the text: whether it converted HTML.")

(defun insert-from-url--converted-p (stderr)
  "Return non-nil if, by STDERR, the program converted an HTML page."
  (member "insert-from-url-converted: 1" (insert-from-url--stderr-lines stderr)))

(defun insert-from-url--warnings (stderr)
  "Return the warning lines of a run's STDERR."
  (seq-filter (lambda (l) (string-prefix-p "insert-from-url: warning:" l))
              (insert-from-url--stderr-lines stderr)))

(defconst insert-from-url--control-regexp
  "[\0-\b\v\r\x0e-\x1f\x7f\u0080-\u009f]"
  "Characters that never reach a buffer (ESC, in \"\\x0e-\\x1f\", included).")

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
  (car (last (seq-remove (lambda (l) (string-prefix-p "insert-from-url" l))
                         (insert-from-url--stderr-lines stderr)))))

;;;; Asynchronous fetches

(defvar-local insert-from-url--processes nil
  "Processes fetching for the current buffer.")

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
        (process-put owner 'insert-from-url-meter meter)))))

(defun insert-from-url--start (url format base-level on-success &optional on-failure extra)
  "Fetch URL in FORMAT in the background.
BASE-LEVEL nests headings; EXTRA is a list of more arguments.  Call
ON-SUCCESS with the decoded text and whether it is an HTML page
the program converted, or ON-FAILURE with the error message (by
default, show it).  Return the process.
The program writes the text to a temporary file, which Emacs reads
in one go once the program is done: much faster than reading a
pipe in small chunks, and nothing arrives half-written."
  (let* ((program (insert-from-url--program))
         (default-directory (insert-from-url--local-directory))
         (owner (current-buffer))
         (file (make-temp-file "insert-from-url" nil ".out"))
         (err (generate-new-buffer " *insert-from-url-stderr*"))
         (strip-bidi (insert-from-url--strip-bidi-p format))
         (done nil)
         process stderr-process)
    (with-current-buffer err (set-buffer-multibyte nil))
    (let ((finish
           (lambda ()
             ;; Both the program and its stderr pipe must be done: the
             ;; last line of stderr may arrive after the exit.
             (when (and (not done)
                        (memq (process-status process) '(exit signal))
                        (not (process-live-p stderr-process)))
               (setq done t)
               (unwind-protect
                   (let ((code (process-exit-status process))
                         (status (process-status process))
                         (cancelled (process-get process 'insert-from-url-cancelled)))
                     (when (buffer-live-p owner)
                       (with-current-buffer owner
                         (setq insert-from-url--processes
                               (delq process insert-from-url--processes))
                         (insert-from-url--update-mode-line)))
                     (let ((stderr (with-current-buffer err
                                     (decode-coding-string (buffer-string) 'utf-8 t))))
                       (cond
                        (cancelled nil)
                        ((and (eq status 'exit) (eq code 0))
                         (funcall on-success (insert-from-url--read-output file strip-bidi)
                                  (insert-from-url--converted-p stderr))
                         (when-let ((warnings (insert-from-url--warnings stderr)))
                           ;; After the success message, which it must not hide.
                           (insert-from-url--report (string-join warnings "; "))))
                        (t
                         (funcall (or on-failure #'insert-from-url--report)
                                  (insert-from-url--error-message stderr code))))))
                 (ignore-errors (delete-file file))
                 (kill-buffer err))))))
      (setq stderr-process
            (make-pipe-process :name "insert-from-url-stderr"
                               :buffer err
                               :coding 'binary
                               :noquery t
                               :filter #'insert-from-url--stderr-filter
                               :sentinel (lambda (_p _e) (funcall finish))))
      (condition-case err
          (setq process
                (make-process :name "insert-from-url"
                              :command (cons program (insert-from-url--arguments
                                                      url format base-level
                                                      ;; The meter, for the mode line.
                                                      (append (list "--progress" "-o" file
                                                                    "--write-out" insert-from-url--write-out)
                                                              extra)))
                              :coding 'binary
                              :connection-type 'pipe
                              :stderr stderr-process
                              :noquery t
                              :sentinel (lambda (_p _e) (funcall finish))))
        (error
         (delete-process stderr-process)
         (ignore-errors (delete-file file))
         (kill-buffer err)
         (signal (car err) (cdr err))))
      (process-put stderr-process 'insert-from-url-fetch process)
      (process-put process 'insert-from-url-url url)
      (process-put process 'insert-from-url-owner owner)
      (push process insert-from-url--processes)
      (add-hook 'kill-buffer-hook #'insert-from-url--stop-fetches nil t)
      (insert-from-url--update-mode-line)
      process)))

(defun insert-from-url--stop-fetches ()
  "Stop the fetches of the current buffer, without a word."
  (dolist (p insert-from-url--processes)
    (process-put p 'insert-from-url-cancelled t)
    (when (process-live-p p)
      (delete-process p)))
  (setq insert-from-url--processes nil))

(defconst insert-from-url-log-buffer "*insert-from-url-log*"
  "Name of the buffer that keeps the messages of fetches.")

(defun insert-from-url--log (message)
  "Add MESSAGE to the log buffer, with the time."
  (with-current-buffer (get-buffer-create insert-from-url-log-buffer)
    (let ((inhibit-read-only t))
      (goto-char (point-max))
      (insert (format-time-string "%F %T ") message "\n"))))

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

(defvar-local insert-from-url--pending nil
  "Markers of the fetches waiting to insert, in the order they started.")

(defun insert-from-url--insert-at (marker text)
  "Insert TEXT at MARKER as one undo step, in MARKER's buffer.
Point, and the point of each window on the buffer, follow the
text when they were at MARKER; elsewhere they stay.  Narrowing
does not move the insertion, and fetches waiting at the same place
that started later go after TEXT.  In a buffer that became
read-only, TEXT goes to the kill ring instead.  Return the
position where TEXT ends if it was inserted, else nil."
  (let ((buffer (marker-buffer marker))
        inserted)
    (when (buffer-live-p buffer)
      (with-current-buffer buffer
        (let ((later (cdr (memq marker insert-from-url--pending))))
          (setq insert-from-url--pending (delq marker insert-from-url--pending))
          (if buffer-read-only
              (progn
                (kill-new text)
                (insert-from-url--report
                 (format "insert-from-url: %s is read-only now; the text is in the kill ring"
                         (buffer-name))))
            (let* ((pos (marker-position marker))
                   (follow (= (point) pos))
                   (windows (seq-filter (lambda (w) (= (window-point w) pos))
                                        (get-buffer-window-list buffer nil t)))
                   (end (+ pos (length text))))
              (undo-boundary)
              (save-excursion
                (save-restriction
                  (widen)
                  (goto-char pos)
                  (insert text)))
              (undo-boundary)
              (dolist (m later)
                (when (= m pos) (set-marker m end)))
              (when follow (goto-char end))
              (dolist (w windows) (set-window-point w end))
              (setq inserted end)))))
      (set-marker marker nil))
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
     url format (insert-from-url--base-level format)
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
         (images (insert-from-url--images-arguments format)))
    (save-excursion
      (when (and entry (> level 0))
        ;; A child entry goes after its parent's own text, before the
        ;; parent's first child or next heading: never inside a line.
        (outline-next-heading))
      (insert-from-url--fetch-and-insert
       url format level (append '("--readable" "--metadata") images) entry
       (and entry #'insert-from-url--add-retrieved)))))

(defun insert-from-url--add-retrieved (entry)
  "Return the Org ENTRY with the time it was retrieved in its drawer."
  (let ((stamp (format-time-string "[%Y-%m-%d %a %H:%M]")))
    (if (string-match "^:PROPERTIES:\n" entry)
        (replace-match (concat ":PROPERTIES:\n:RETRIEVED: " stamp "\n") t t entry)
      entry)))

;;;###autoload
(defun insert-from-url-capture (url)
  "Return the article of URL as an Org entry, for `org-capture' templates.
It waits for the page, at most `insert-from-url-timeout' seconds,
and signals an error if the fetch fails.  The entry is a top-level
heading with the title, a property drawer (URL, author, date, and
the time it was retrieved), and the article below.
Only http and https URLs are fetched: any other, such as a local
file that a browser shows, is a `user-error', for a capture may
come from a web page's click (org-protocol) and file without a
question.  Text of the page that `org-capture' would expand after
the template's %(sexp), %^ prompts such as %^C (the kill ring)
and %\\N, is escaped the way `org-capture' unescapes."
  (unless (insert-from-url--web-url-p url)
    (let ((msg (format "insert-from-url-capture: only http and https URLs are captured, not %S"
                       url)))
      (insert-from-url--log msg)
      (user-error "%s" msg)))
  (insert-from-url--capture-escape
   (insert-from-url--add-retrieved
    (insert-from-url-string url "org" '("--readable" "--metadata" "--base-level" "0")))))

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
BASE-LEVEL and EXTRA are as for `insert-from-url--start'.  With
OWN-LINE, or when the text is an HTML page converted to FORMAT,
the text starts on a line of its own; a plain-text body goes in
as it is.  TRANSFORM, if given, is called on the text before it
is inserted."
  (let ((marker (copy-marker (point))))
    (setq insert-from-url--pending (append insert-from-url--pending (list marker)))
    (message "Fetching %s..." url)
    (insert-from-url--start
     url format base-level
     (lambda (text converted)
       (when transform
         (setq text (funcall transform text)))
       (when (and (or own-line converted) (buffer-live-p (marker-buffer marker))
                  (with-current-buffer (marker-buffer marker)
                    (save-excursion (save-restriction (widen) (goto-char marker) (not (bolp))))))
         (setq text (concat "\n" text)))
       (let* ((buffer (marker-buffer marker))
              (start (and buffer (marker-position marker)))
              (end (insert-from-url--insert-at marker text)))
         (when end
           (when (member "--images" extra)
             (with-current-buffer buffer
               (insert-from-url--show-images start end)))
           (message "Fetching %s...done" url))))
     (lambda (error-message)
       (with-current-buffer (or (marker-buffer marker) (current-buffer))
         (setq insert-from-url--pending (delq marker insert-from-url--pending)))
       (set-marker marker nil)
       (insert-from-url--report error-message))
     extra)))

;;;###autoload
(defun insert-from-url-cancel ()
  "Stop the fetches started from the current buffer."
  (interactive)
  (let ((processes insert-from-url--processes))
    (if (null processes)
        (message "No fetch in flight here")
      (dolist (p processes)
        (process-put p 'insert-from-url-cancelled t)
        (when (process-live-p p)
          (delete-process p)))
      (message "Cancelled %d fetch%s" (length processes) (if (cdr processes) "es" "")))))

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
  (let ((title (if (string-empty-p (string-trim title)) url title)))
    (cond
     ((derived-mode-p 'org-mode)
      (format "[[%s][%s]]"
              (replace-regexp-in-string "[][]" (lambda (c) (format "%%%X" (string-to-char c))) url)
              (insert-from-url--org-description title in-table)))
     ((derived-mode-p 'markdown-mode 'gfm-mode)
      (format "[%s](%s)"
              (insert-from-url--markdown-description title in-table)
              (replace-regexp-in-string "[ ()]" (lambda (c) (format "%%%X" (string-to-char c))) url)))
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

(defcustom insert-from-url-link-parallel 4
  "How many titles `insert-from-url-links-in-region' fetches at a time."
  :type 'natnum)

;;;###autoload
(defun insert-from-url-links-in-region (start end)
  "Turn every URL between START and END into a link titled with its page's title.
Links already there (Org or Markdown) get the title as their
description.  Titles are fetched `insert-from-url-link-parallel' at
a time; each link replaces its URL where it stands."
  (interactive "r")
  (barf-if-buffer-read-only)
  (let ((queue nil) (running 0) next)
    (save-excursion
      (goto-char start)
      (while (re-search-forward "https?://" end t)
        (goto-char (match-end 0))
        (let* ((link (insert-from-url--link-around-point))
               (bounds (or (cdr link) (insert-from-url--url-bounds))))
          (when (and bounds (<= (cdr bounds) end))
            (push (list (or (car link) (buffer-substring-no-properties (car bounds) (cdr bounds)))
                        (copy-marker (car bounds)) (copy-marker (cdr bounds)))
                  queue)
            (goto-char (cdr bounds))))))
    (setq queue (nreverse queue))
    (setq next
          (lambda ()
            (while (and queue (< running insert-from-url-link-parallel))
              (let ((item (pop queue)))
                (setq running (1+ running))
                (insert-from-url--replace-with-link
                 (nth 0 item) (nth 1 item) (nth 2 item)
                 (lambda () (setq running (1- running)) (funcall next)))
                (set-marker (nth 1 item) nil)
                (set-marker (nth 2 item) nil)))))
    (message "Fetching the titles of %d link%s..." (length queue) (if (cdr queue) "s" ""))
    (funcall next)))

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
     url "title" nil
     (lambda (title _converted)
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
     (lambda (error-message)
       (set-marker start nil)
       (set-marker end nil)
       (insert-from-url--report error-message)
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
             bounds)))))

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
page's title; \\<insert-from-url-view-mode-map>\\[quit-window] quits and \\[insert-from-url-view-reload] fetches again."
  (interactive (progn (insert-from-url--program)
                      (list (insert-from-url--read-url "View URL"))))
  (let ((buffer (generate-new-buffer (format "*%s*" url))))
    (with-current-buffer buffer
      (insert-from-url--view-major-mode (symbol-name insert-from-url-view-format))
      (insert-from-url-view-mode 1)
      (setq insert-from-url--view-url url)
      (when (and insert-from-url-view-images
                 (member (symbol-name insert-from-url-view-format) '("org" "markdown")))
        (setq insert-from-url--view-images (make-temp-file "insert-from-url-images-" t))
        (add-hook 'kill-buffer-hook #'insert-from-url--view-delete-images nil t))
      (setq buffer-read-only t)
      (insert-from-url-view-reload))
    (when (called-interactively-p 'any)
      (pop-to-buffer-same-window buffer))
    buffer))

(defun insert-from-url-view-reload ()
  "Fetch the page of the current `insert-from-url-view' buffer again."
  (interactive)
  (let ((buffer (current-buffer))
        (url insert-from-url--view-url)
        (format (symbol-name insert-from-url-view-format)))
    (let ((inhibit-read-only t))
      (erase-buffer)
      (insert (format "Fetching %s..." url)))
    (insert-from-url--start
     url format nil
     (lambda (text _converted)
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
     (lambda (error-message)
       (when (buffer-live-p buffer)
         (with-current-buffer buffer
           (let ((inhibit-read-only t))
             (erase-buffer)
             (insert error-message "\n"))))
       (insert-from-url--report error-message))
     (append '("--readable" "--metadata")
             (and insert-from-url--view-images (member format '("org" "markdown"))
                  (list "--images" insert-from-url--view-images "--images-relative-to="))))))

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
Signal an error with the program's message on failure.
\\[keyboard-quit] stops the fetch."
  (let* ((program (insert-from-url--program))
         (default-directory (insert-from-url--local-directory))
         (stderr-file (make-temp-file "insert-from-url-stderr")))
    (unwind-protect
        (with-temp-buffer
          (set-buffer-multibyte nil)
          (let* ((coding-system-for-read 'binary)
                 (code (apply #'call-process program nil (list t stderr-file) nil
                              (insert-from-url--arguments url (or format "raw") nil extra))))
            (unless (eq code 0)
              (error "%s" (insert-from-url--error-message
                           (with-temp-buffer
                             (insert-from-url--insert-utf-8-file stderr-file)
                             (buffer-string))
                           code)))
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
