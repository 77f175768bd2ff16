-- What cleaning removed from each document, line by line.
SELECT doc_id, line_no, rule, text
FROM removed_lines
ORDER BY doc_id, line_no
