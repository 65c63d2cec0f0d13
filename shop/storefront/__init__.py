"""The public pages: the catalogue as a visitor sees it, with live stock, prices where
they may see them, the purchase gate's verdict and the cart's forms.

It sits on top of the domains, as the API and the back office do: it imports the
catalogue, inventory (stock), licensing (the gate) and checkout (the cart), which
the catalogue itself may not.
"""
