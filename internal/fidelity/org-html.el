;;; org-html.el --- Export Org files to HTML for the fidelity measure  -*- lexical-binding: t; -*-

;;; Commentary:

;; For internal/fidelity: `fidelity-export-dir' exports every .org file of a
;; folder to a .html file beside it (the body only), with Org's own HTML
;; export, so that the Org output is read back as Org reads it.  A file
;; that does not export (a broken link, say) gets a .err file, and is
;; exported again with its broken links marked.

;;; Code:

(require 'org)
(require 'ox-html)

(defun fidelity-export-dir (dir)
  "Export each .org file in DIR to HTML."
  (dolist (file (directory-files dir t "\\.org\\'"))
    (condition-case err
        (fidelity-export file nil)
      (error
       (with-temp-file (concat (file-name-sans-extension file) ".err")
         (insert (error-message-string err)))
       ;; Measured all the same, broken links marked.
       (ignore-errors (fidelity-export file 'mark))))))

(defun fidelity-export (file broken-links)
  "Export FILE to HTML beside it; BROKEN-LINKS as `org-export-with-broken-links'."
  (let ((out (concat (file-name-sans-extension file) ".html")))
    (with-temp-buffer
      (insert-file-contents file)
      (let ((org-export-with-broken-links broken-links)
            (org-export-with-toc nil)
                  (org-export-with-section-numbers nil)
                  (org-export-headline-levels 10)
            (org-html-toplevel-hlevel 1)
            (org-export-with-special-strings nil)
                  (org-export-with-sub-superscripts t)
                  (org-html-validation-link nil)
                  (org-export-use-babel nil)
                  (org-confirm-babel-evaluate t)
                  (org-link-search-must-match-exact-headline t)
                  (inhibit-message t))
        (org-mode)
        (let ((html (org-export-as 'html nil nil t)))
          (with-temp-file out (insert html)))))))

(provide 'org-html)
;;; org-html.el ends here
