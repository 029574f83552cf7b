import traceback
def test_x(runner):
    r = runner.invoke(args=["create-admin","--username","boss","--name","x","--org","o","--password","plum-river-1987"])
    traceback.print_exception(r.exc_info[1])
